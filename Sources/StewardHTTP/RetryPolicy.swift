/// When and how long to back off: truncated exponential backoff with full jitter.
///
/// The defaults follow google-api-core: 1 s initial delay, ×2, at most 32 s per wait, 120 s in all.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    public var initialDelay: Double
    public var multiplier: Double
    /// The cap on one wait, before jitter; a server's `Retry-After` may ask for more.
    public var maximumDelay: Double
    /// No retry starts when it would end later than this many seconds after the first attempt began.
    public var totalTimeout: Double
    /// HTTP statuses worth another attempt.
    public var retryableStatuses: Set<Int>

    public init(maximumAttempts: Int = 5, initialDelay: Double = 1, multiplier: Double = 2, maximumDelay: Double = 32,
                totalTimeout: Double = 120, retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.totalTimeout = totalTimeout
        self.retryableStatuses = retryableStatuses
    }

    /// The default policy.
    public static let standard = RetryPolicy()

    /// The upper bound of the jittered wait after the failed attempt number `attempt` (0-based).
    public func backoffCeiling(afterAttempt attempt: Int) -> Double {
        var ceiling = initialDelay
        for _ in 0..<min(attempt, 64) {
            ceiling *= multiplier
            if ceiling >= maximumDelay { break }
        }
        return min(ceiling, maximumDelay)
    }

    /// The wait after attempt `attempt` failed: uniform in `[0, ceiling]` ("full jitter"), and never less than
    /// what the server asked for. `unitRandom` is in `[0, 1)`.
    public func delay(afterAttempt attempt: Int, unitRandom: Double, serverAsked: Double?) -> Double {
        let jittered = backoffCeiling(afterAttempt: attempt) * min(max(unitRandom, 0), 1)
        guard let asked = serverAsked else { return jittered }
        return max(jittered, asked)
    }
}
