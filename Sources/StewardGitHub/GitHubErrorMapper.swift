import Foundation
import StewardHTTP
import StewardRuntime

/// Turns a GitHub error response (`{"message", "documentation_url", "errors"}`) into a `RuntimeError` with a
/// bounded code. Codes: `unauthenticated`, `permission_denied`, `rate_limited`, `not_found`, `already_exists`,
/// `conflict`, `invalid`, `unavailable`, `failed`.
enum GitHubErrorMapper {
    /// GitHub's error body; `errors` is lenient because some endpoints send plain strings there.
    struct Body: Decodable {
        var message: String?
        var errors: [Detail]?

        struct Detail: Decodable {
            var resource: String?
            var field: String?
            var code: String?
            var message: String?
        }

        enum CodingKeys: String, CodingKey { case message, errors }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            errors = try? container.decodeIfPresent([Detail].self, forKey: .errors)
        }
    }

    static func body(of response: APIResponse) -> Body? {
        try? JSONDecoder().decode(Body.self, from: Data(response.body))
    }

    /// Whether a 422 says the thing already exists (`errors[].code == "already_exists"`).
    static func isAlreadyExists(_ response: APIResponse) -> Bool {
        response.status == 422 && (body(of: response)?.errors ?? []).contains { $0.code == "already_exists" }
    }

    /// The error for a failed response. `operation` names what was tried (`create release 'v1' in 'o/r'`);
    /// `now` is seconds since 1970, for turning `x-ratelimit-reset` into a wait.
    static func error(for response: APIResponse, operation: String, now: Double) -> RuntimeError {
        let status = response.status
        let parsed = body(of: response)
        let serverMessage = parsed?.message?.trimmingWhitespace()
        var detail = "GitHub answered \(status)"
        if let serverMessage, !serverMessage.isEmpty { detail += " '\(serverMessage)'" }
        let fieldErrors = (parsed?.errors ?? []).compactMap { error -> String? in
            let parts = [error.resource, error.field, error.code, error.message].compactMap { $0 }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        }
        if !fieldErrors.isEmpty { detail += " (\(fieldErrors.joined(separator: "; ")))" }
        let prefix = "\(operation) failed: \(detail)"

        if status == 403 || status == 429, let wait = rateLimitWait(response, message: serverMessage, now: now) {
            return RuntimeError(code: "rate_limited", message: "\(prefix); retrying in \(Int(wait.rounded(.up))) s",
                                disposition: .retry, retryAfter: wait)
        }
        switch status {
        case 401:
            return RuntimeError(code: "unauthenticated",
                                message: "\(prefix); check the token in GITHUB_TOKEN or GITHUB_TOKEN_FILE",
                                disposition: .stalled)
        case 403:
            return RuntimeError(code: "permission_denied",
                                message: "\(prefix); the token needs 'contents: write' on the repository",
                                disposition: .stalled)
        case 404:
            return RuntimeError(code: "not_found",
                                message: "\(prefix); check the repository name and that the token can see it",
                                disposition: .stalled)
        case 409:
            return RuntimeError(code: "conflict", message: prefix, disposition: .retry)
        case 422 where isAlreadyExists(response):
            return RuntimeError(code: "already_exists", message: prefix, disposition: .stalled)
        case 400, 422:
            return RuntimeError(code: "invalid", message: prefix, disposition: .stalled)
        case 408, 500...599:
            return RuntimeError(code: "unavailable", message: prefix, disposition: .retry,
                                retryAfter: retryAfterHeader(response))
        default:
            return RuntimeError(code: "failed", message: prefix, disposition: .retry)
        }
    }

    /// Seconds to wait for a rate-limited 403/429, or nil when the response is not about rate limits.
    ///
    /// Order as GitHub documents it: `retry-after` first; then `x-ratelimit-remaining: 0` waits until
    /// `x-ratelimit-reset`; then a secondary limit without headers waits 60 s. A 429 is always a rate limit.
    private static func rateLimitWait(_ response: APIResponse, message: String?, now: Double) -> Double? {
        if let retryAfter = retryAfterHeader(response) { return retryAfter }
        let remaining = response.header("x-ratelimit-remaining").flatMap { Int($0.trimmingWhitespace()) }
        if remaining == 0 {
            if let reset = response.header("x-ratelimit-reset").flatMap({ Double($0.trimmingWhitespace()) }) {
                return max(1, reset - now)
            }
            return 60
        }
        let mentionsRateLimit = message?.lowercased().contains("rate limit") ?? false
        if response.status == 429 || mentionsRateLimit { return 60 }
        return nil
    }

    private static func retryAfterHeader(_ response: APIResponse) -> Double? {
        guard let value = response.header("retry-after").flatMap({ Double($0.trimmingWhitespace()) }), value >= 0
        else { return nil }
        return value
    }
}
