import Foundation

/// The clock, sleep and randomness a `RetryingTransport` uses; tests inject their own so they run instantly.
public struct RetryTiming: Sendable {
    /// Monotonic seconds, for the total-time bound.
    public var now: @Sendable () -> Double
    /// Wall-clock time, to read `Retry-After` HTTP dates.
    public var date: @Sendable () -> Date
    /// Waits this many seconds (throws when the task is cancelled).
    public var sleep: @Sendable (Double) async throws -> Void
    /// A number in `[0, 1)`.
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double, date: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Double) async throws -> Void, random: @escaping @Sendable () -> Double) {
        self.now = now
        self.date = date
        self.sleep = sleep
        self.random = random
    }

    /// The real clock and `Task.sleep`.
    public static let system: RetryTiming = {
        let origin = ContinuousClock.now
        return RetryTiming(
            now: {
                let elapsed = ContinuousClock.now - origin
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            },
            sleep: { seconds in
                guard seconds > 0 else { return }
                try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
            },
            random: { Double.random(in: 0..<1) })
    }()
}
