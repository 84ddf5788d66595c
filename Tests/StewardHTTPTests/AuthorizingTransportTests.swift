import StewardFakes
import Hummingbird
import StewardHTTP
import Testing

/// Hands out `first`, and `second` once `first` was invalidated.
actor RotatingTokens: AccessTokenProvider {
    private var current = "ya29.first-token-value"
    private(set) var invalidated: [String] = []

    func accessToken() async throws -> String { current }

    func invalidate(_ token: String) async {
        invalidated.append(token)
        current = "ya29.second-token-value"
    }
}

@Suite("Authorizing transport")
struct AuthorizingTransportTests {
    @Test("adds a bearer token, and on a 401 refreshes it once and resends")
    func refreshesOn401() async throws {
        let seen = Recorder<String>()
        let router = Router()
        router.post("/api") { request, _ in
            let header = request.headers[.authorization] ?? ""
            await seen.append(header)
            return header == "Bearer ya29.second-token-value" ? makeResponse(.ok, "{}") : makeResponse(.unauthorized, "{}")
        }
        let tokens = RotatingTokens()
        let status = try await withLocalServer(router) { base async throws in
            let transport = AuthorizingTransport(base: AsyncHTTPTransport(), tokens: tokens, logger: quietLogger)
            return try await transport.send(APIRequest(method: "POST", url: base + "/api", body: [], service: "test")).status
        }
        #expect(status == 200)
        #expect(await seen.values == ["Bearer ya29.first-token-value", "Bearer ya29.second-token-value"])
        #expect(await tokens.invalidated == ["ya29.first-token-value"])
    }
}
