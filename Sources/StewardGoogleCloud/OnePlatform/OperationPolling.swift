/// How long-running operations are polled: a growing interval up to a cap, within an overall deadline.
///
/// The deadline counts the time slept, so no clock is read; the sleep is injectable for tests.
public struct OperationPolling: Sendable {
    public var initialInterval: Duration
    public var multiplier: Double
    public var maximumInterval: Duration
    /// Give up (with a `timeout` error, to retry later) once this much time was spent waiting.
    public var deadline: Duration
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(initialInterval: Duration = .seconds(2), multiplier: Double = 1.5, maximumInterval: Duration = .seconds(30),
                deadline: Duration = .seconds(45 * 60),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.initialInterval = initialInterval
        self.multiplier = multiplier
        self.maximumInterval = maximumInterval
        self.deadline = deadline
        self.sleep = sleep
    }

    /// The intervals to sleep between polls, in order, until the deadline.
    func intervals() -> [Duration] {
        var result: [Duration] = []
        var next = initialInterval
        var total = Duration.zero
        while total + next <= deadline {
            result.append(next)
            total += next
            next = min(maximumInterval, next * multiplier)
        }
        return result
    }
}
