import StewardFakes
import Hummingbird
import StewardHTTP
import StewardRuntime
import Testing

/// One error answer and what it should become.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var status: Int
    var body: String
    var headers: [(String, String)] = []
    var code: String
    var disposition: RuntimeError.Disposition
    var retryAfter: Double? = nil
    /// Text the message must contain.
    var mentions: String

    var testDescription: String { name }
}

@Suite("Error bodies map to bounded codes")
struct HTTPErrorMapperTests {
    static let cases: [ErrorCase] = [
        ErrorCase(name: "google.rpc NOT_FOUND", status: 404,
                  body: #"{"error": {"code": 404, "message": "Model churn was not found.", "status": "NOT_FOUND"}}"#,
                  code: "not_found", disposition: .stalled, mentions: "Model churn was not found."),
        ErrorCase(name: "google.rpc ALREADY_EXISTS", status: 409,
                  body: #"{"error": {"code": 409, "message": "Pipeline job with the specified ID already exists.", "status": "ALREADY_EXISTS"}}"#,
                  code: "already_exists", disposition: .stalled, mentions: "specified ID already exists"),
        ErrorCase(name: "google.rpc FAILED_PRECONDITION on a 400", status: 400,
                  body: #"{"error": {"code": 400, "message": "Endpoint has deployed models.", "status": "FAILED_PRECONDITION"}}"#,
                  code: "failed_precondition", disposition: .stalled, mentions: "Endpoint has deployed models."),
        ErrorCase(name: "google.rpc INVALID_ARGUMENT", status: 400,
                  body: #"{"error": {"code": 400, "message": "List of found errors: 1.Field: job.display_name", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": []}]}}"#,
                  code: "invalid", disposition: .stalled, mentions: "Field: job.display_name"),
        ErrorCase(name: "google.rpc PERMISSION_DENIED", status: 403,
                  body: #"{"error": {"code": 403, "message": "Permission 'aiplatform.pipelineJobs.create' denied", "status": "PERMISSION_DENIED", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED"}]}}"#,
                  code: "permission_denied", disposition: .stalled, mentions: "aiplatform.pipelineJobs.create"),
        ErrorCase(name: "google.rpc UNAUTHENTICATED", status: 401,
                  body: #"{"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}"#,
                  code: "unauthenticated", disposition: .stalled, mentions: "invalid authentication credentials"),
        ErrorCase(name: "RESOURCE_EXHAUSTED with RetryInfo", status: 429,
                  body: #"{"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED", "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"}]}}"#,
                  code: "rate_limited", disposition: .retry, retryAfter: 30, mentions: "Quota exceeded"),
        ErrorCase(name: "Cloud Storage 412 (older error form)", status: 412,
                  body: #"{"error": {"code": 412, "message": "At least one of the pre-conditions you specified did not hold.", "errors": [{"domain": "global", "reason": "conditionNotMet"}]}}"#,
                  code: "failed_precondition", disposition: .stalled, mentions: "pre-conditions"),
        ErrorCase(name: "Cloud Storage 403 rateLimitExceeded", status: 403,
                  body: #"{"error": {"code": 403, "message": "Rate limit exceeded", "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded"}]}}"#,
                  code: "rate_limited", disposition: .retry, mentions: "Rate limit exceeded"),
        ErrorCase(name: "GitHub validation failure", status: 422,
                  body: #"{"message": "Validation Failed", "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}], "documentation_url": "https://docs.github.com/rest"}"#,
                  code: "invalid", disposition: .stalled, mentions: "Validation Failed (Release tag_name already_exists)"),
        ErrorCase(name: "GitHub rate limit 403", status: 403,
                  body: #"{"message": "API rate limit exceeded for user ID 1."}"#,
                  headers: [("x-ratelimit-remaining", "0"), ("Retry-After", "60")],
                  code: "rate_limited", disposition: .retry, retryAfter: 60, mentions: "API rate limit exceeded"),
        ErrorCase(name: "OAuth invalid_grant", status: 400,
                  body: #"{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}"#,
                  code: "invalid", disposition: .stalled, mentions: "invalid_grant: Invalid JWT Signature."),
        ErrorCase(name: "plain-text 503", status: 503, body: "upstream connect error or disconnect",
                  code: "unavailable", disposition: .retry, mentions: "upstream connect error"),
        ErrorCase(name: "plain-text 500", status: 500, body: "Internal Server Error",
                  code: "internal", disposition: .retry, mentions: "Internal Server Error"),
        ErrorCase(name: "504", status: 504, body: "", code: "timeout", disposition: .retry, mentions: "HTTP 504"),
        ErrorCase(name: "a 404 with a plain-text body (fake-gcs-server alt=media)", status: 404, body: "not found\n",
                  code: "not_found", disposition: .stalled, mentions: "not found"),
    ]

    @Test("a server error becomes a RuntimeError", arguments: cases)
    func maps(_ errorCase: ErrorCase) async throws {
        let router = Router()
        router.get("/thing") { _, _ in
            makeResponse(HTTPResponse.Status(code: errorCase.status), errorCase.body, headers: errorCase.headers)
        }
        let error = try await withLocalServer(router) { base -> RuntimeError? in
            let request = APIRequest(method: "GET", url: base + "/thing?alt=json", service: "vertex")
            do {
                _ = try await AsyncHTTPTransport().call(request)
                return nil
            } catch let error as RuntimeError {
                return error
            }
        }
        let mapped = try #require(error)
        #expect(mapped.code == errorCase.code)
        #expect(mapped.disposition == errorCase.disposition)
        #expect(mapped.retryAfter == errorCase.retryAfter)
        #expect(mapped.message.contains(errorCase.mentions))
        #expect(mapped.message.contains("vertex GET /thing"))
        #expect(!mapped.message.contains("alt=json"))
        #expect(HTTPErrorCode(rawValue: mapped.code) != nil)
    }

    @Test("a token in an error body is redacted from the error")
    func redactsTokensFromBodies() async throws {
        let accessToken = "ya29.a0AfB_byC-secretSECRETsecret1234567890"
        let refreshToken = "1//0gLONGREFRESHtokenVALUE-abcdef"
        let githubToken = "ghp_" + String(repeating: "A1b2", count: 9)
        let body = #"{"error": {"code": 401, "message": "token \#(accessToken) rejected; Authorization: Bearer \#(accessToken); refresh \"refresh_token\": \"\#(refreshToken)\", github \#(githubToken)", "status": "UNAUTHENTICATED"}}"#
        let router = Router()
        router.get("/secret") { _, _ in makeResponse(.unauthorized, body) }
        let error = try await withLocalServer(router) { base -> RuntimeError? in
            do {
                _ = try await AsyncHTTPTransport().call(APIRequest(method: "GET", url: base + "/secret", service: "github"))
                return nil
            } catch let error as RuntimeError {
                return error
            }
        }
        let mapped = try #require(error)
        #expect(mapped.code == "unauthenticated")
        for secret in [accessToken, "secretSECRET", refreshToken, githubToken] {
            #expect(!mapped.message.contains(secret))
        }
        #expect(mapped.message.contains("[redacted]"))
    }
}
