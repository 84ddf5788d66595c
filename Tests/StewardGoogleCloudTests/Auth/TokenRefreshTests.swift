import Foundation
import StewardGoogleCloud
import StewardHTTP
import Testing

/// A token source that numbers its tokens and counts fetches.
actor CountingSource: TokenSource {
    private(set) var fetches = 0
    let lifetime: Double

    init(lifetime: Double) { self.lifetime = lifetime }

    nonisolated var summary: String { "counting source" }

    func fetchToken() async throws -> FetchedToken {
        fetches += 1
        return FetchedToken(value: "ya29.token-\(fetches)", expiresIn: lifetime)
    }
}

/// A settable clock.
final class SettableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double
    init(_ start: Double) { value = start }
    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

@Suite("Token cache")
struct TokenRefreshTests {
    @Test("a token is reused until 5 minutes before it expires, then refreshed")
    func refreshesBeforeExpiry() async throws {
        let clock = SettableClock(1_000)
        let source = CountingSource(lifetime: 3600)
        let provider = CachingTokenProvider(source: source, now: { clock.now }, logger: quietLogger)

        #expect(try await provider.accessToken() == "ya29.token-1")
        clock.now = 1_000 + 3600 - 301
        #expect(try await provider.accessToken() == "ya29.token-1")
        clock.now = 1_000 + 3600 - 299
        #expect(try await provider.accessToken() == "ya29.token-2")
        #expect(await source.fetches == 2)
    }

    @Test("concurrent callers share one fetch")
    func sharesOneFetch() async throws {
        let source = CountingSource(lifetime: 3600)
        let provider = CachingTokenProvider(source: source, logger: quietLogger)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.accessToken() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["ya29.token-1"])
        #expect(await source.fetches == 1)
    }

    @Test("an invalidated token is fetched again")
    func invalidates() async throws {
        let source = CountingSource(lifetime: 3600)
        let provider = CachingTokenProvider(source: source, logger: quietLogger)
        let first = try await provider.accessToken()
        await provider.invalidate(first)
        #expect(try await provider.accessToken() == "ya29.token-2")
    }
}
