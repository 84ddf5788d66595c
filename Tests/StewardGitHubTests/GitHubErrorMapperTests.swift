import StewardHTTP
import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub error mapping")
struct GitHubErrorMapperTests {
    static func response(_ status: Int, _ body: String, _ headers: [(name: String, value: String)] = []) -> APIResponse {
        APIResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    static let cases: [(String, APIResponse, String, RuntimeError.Disposition, Double?)] = [
        ("404", response(404, #"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#),
         "not_found", .stalled, nil),
        ("401", response(401, #"{"message":"Bad credentials"}"#), "unauthenticated", .stalled, nil),
        ("403 without rate-limit signs", response(403, #"{"message":"Resource not accessible by integration"}"#,
                                                   [("x-ratelimit-remaining", "4000")]),
         "permission_denied", .stalled, nil),
        ("403 remaining 0", response(403, #"{"message":"API rate limit exceeded"}"#,
                                     [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000000300")]),
         "rate_limited", .retry, 300),
        ("403 secondary without headers", response(403, #"{"message":"You have exceeded a secondary rate limit."}"#),
         "rate_limited", .retry, 60),
        ("429 with retry-after", response(429, "{}", [("Retry-After", "12")]), "rate_limited", .retry, 12),
        ("422 already_exists", response(422, #"{"message":"Validation Failed","errors":[{"resource":"Release","code":"already_exists","field":"tag_name"}]}"#),
         "already_exists", .stalled, nil),
        ("422 other", response(422, #"{"message":"Validation Failed","errors":[{"resource":"Release","code":"invalid","field":"target_commitish"}]}"#),
         "invalid", .stalled, nil),
        ("422 with string errors", response(422, #"{"message":"Invalid request.","errors":["bad"]}"#),
         "invalid", .stalled, nil),
        ("502 plain text", response(502, "Bad Gateway"), "unavailable", .retry, nil),
        ("503 retry-after", response(503, "{}", [("retry-after", "5")]), "unavailable", .retry, 5),
    ]

    @Test("responses map to bounded codes with the right disposition and wait", arguments: cases)
    func maps(_ name: String, _ response: APIResponse, _ code: String, _ disposition: RuntimeError.Disposition,
              _ retryAfter: Double?) {
        let error = GitHubErrorMapper.error(for: response, operation: "list releases of 'o/r'", now: 1_000_000_000)
        #expect(error.code == code, "\(name)")
        #expect(error.disposition == disposition, "\(name)")
        #expect(error.retryAfter == retryAfter, "\(name)")
        #expect(error.message.hasPrefix("list releases of 'o/r' failed: GitHub answered \(response.status)"), "\(name)")
    }

    @Test("the server's message and field errors are in the error message")
    func messageDetails() {
        let error = GitHubErrorMapper.error(for: Self.response(422, #"{"message":"Validation Failed","errors":[{"resource":"Release","code":"invalid","field":"target_commitish"}]}"#),
                                            operation: "create release 'v1' in 'o/r'", now: 0)
        #expect(error.message == "create release 'v1' in 'o/r' failed: GitHub answered 422 'Validation Failed' "
            + "(Release target_commitish invalid)")
    }
}
