import Foundation
import StewardHTTP
import StewardRuntime

/// Talks to an OAuth 2.0 token endpoint: posts a form, reads `{"access_token", "expires_in"}`.
struct TokenEndpoint: Sendable {
    var url: String
    var transport: any HTTPTransport

    private struct Response: Decodable {
        var access_token: String
        var expires_in: Double?
    }

    /// Exchanges the form for a token. Failures name the endpoint and the OAuth error, never the form.
    func exchange(_ form: [(String, String?)], what: String) async throws -> FetchedToken {
        let request = APIRequest(
            method: "POST", url: url,
            headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")],
            // Exchanging a grant again only yields another token: safe to repeat.
            body: URLEncoding.form(form), idempotent: true, service: "oauth", timeout: 30)
        let response: APIResponse
        do {
            response = try await transport.call(request)
        } catch let error as RuntimeError {
            // A refused grant needs a person; keep the retryable ones (5xx, 429, no answer) retryable.
            let code = error.disposition == .stalled ? HTTPErrorCode.unauthenticated.rawValue : error.code
            throw RuntimeError(code: code, message: "could not get an access token for \(what): \(error.message)",
                               disposition: error.disposition, retryAfter: error.retryAfter)
        }
        guard let decoded = try? JSONDecoder().decode(Response.self, from: Data(response.body)), !decoded.access_token.isEmpty else {
            throw RuntimeError(code: HTTPErrorCode.unauthenticated.rawValue,
                               message: "the token endpoint \(Redactor.path(of: url)) answered \(what) without an access token",
                               disposition: .retry)
        }
        return FetchedToken(value: decoded.access_token, expiresIn: decoded.expires_in ?? 3600)
    }
}
