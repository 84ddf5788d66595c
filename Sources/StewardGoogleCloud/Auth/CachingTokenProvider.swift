import Foundation
import Logging
import StewardHTTP

/// Keeps the current access token of a `TokenSource` and fetches a new one shortly before it expires.
///
/// Concurrent callers share one fetch. The clock is injected so tests can move time.
public actor CachingTokenProvider: AccessTokenProvider {
    public let source: any TokenSource
    /// Seconds before expiry at which a token counts as stale (5 minutes, as google-auth).
    public let refreshMargin: Double
    private let now: @Sendable () -> Double
    private let logger: Logger
    private var cached: Cached?
    private var pending: Task<Cached, any Error>?

    private struct Cached: Sendable {
        var value: String
        var expiresAt: Double
        /// When to fetch a new one: `refreshMargin` before expiry, or halfway for short-lived tokens.
        var refreshAt: Double
    }

    /// - Parameter now: seconds since 1970.
    public init(source: any TokenSource, refreshMargin: Double = 300,
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }, logger: Logger) {
        self.source = source
        self.refreshMargin = refreshMargin
        self.now = now
        self.logger = logger
    }

    public func accessToken() async throws -> String {
        if let cached, now() < cached.refreshAt { return cached.value }
        if let pending { return try await pending.value.value }
        // One unstructured task, awaited by every caller that arrives while it runs, so a burst of requests
        // causes one token fetch; it is never left running unobserved.
        let source = source
        let now = now
        let margin = refreshMargin
        let task = Task { () throws -> Cached in
            let started = now()
            let token = try await source.fetchToken()
            return Cached(value: token.value, expiresAt: started + token.expiresIn,
                          refreshAt: started + max(token.expiresIn - margin, token.expiresIn / 2))
        }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        cached = fresh
        logger.debug("access token fetched", metadata: [
            "auth.source": "\(source.summary)", "auth.expires_in": "\(Int(fresh.expiresAt - now()))",
        ])
        return fresh.value
    }

    public func invalidate(_ token: String) async {
        if cached?.value == token { cached = nil }
    }
}
