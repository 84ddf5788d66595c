/// The primary rate limit as the last response reported it (`x-ratelimit-*` headers).
public struct GitHubRateLimit: Sendable, Hashable {
    /// Requests allowed per window (`x-ratelimit-limit`).
    public var limit: Int?
    /// Requests left in the window (`x-ratelimit-remaining`).
    public var remaining: Int
    /// When the window resets, in seconds since 1970 UTC (`x-ratelimit-reset`).
    public var reset: Double?
    /// The bucket the limit is for, e.g. `core` (`x-ratelimit-resource`).
    public var resource: String?

    /// Makes a snapshot.
    public init(limit: Int?, remaining: Int, reset: Double?, resource: String?) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.resource = resource
    }

    /// Reads the headers of a response; nil when it carries no `x-ratelimit-remaining`.
    init?(header: (String) -> String?) {
        guard let remaining = header("x-ratelimit-remaining").flatMap({ Int($0.trimmingWhitespace()) }) else {
            return nil
        }
        self.init(limit: header("x-ratelimit-limit").flatMap { Int($0.trimmingWhitespace()) },
                  remaining: remaining,
                  reset: header("x-ratelimit-reset").flatMap { Double($0.trimmingWhitespace()) },
                  resource: header("x-ratelimit-resource"))
    }
}

/// The last rate-limit snapshot a client saw; shared by copies of the client.
actor GitHubRateLimitRecorder {
    private(set) var latest: GitHubRateLimit?

    func record(_ snapshot: GitHubRateLimit) {
        latest = snapshot
    }
}
