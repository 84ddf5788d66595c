import Foundation
import StewardRuntime

/// Turns a failed HTTP exchange into a `RuntimeError` with a bounded code, a disposition,
/// the server's wait hint and a redacted message.
///
/// It reads google.rpc.Status bodies (`{"error": {"code", "message", "status", "details"}}`), the older
/// Cloud Storage form (`{"error": {"code", "message", "errors": [{"reason"}]}}`), OAuth token-endpoint errors
/// (`{"error", "error_description"}`), GitHub's `{"message"}` and plain text.
public enum HTTPErrorMapper {
    /// The longest server message kept in an error.
    public static let maximumMessageLength = 400

    /// The error for a non-2xx response to `request`.
    public static func runtimeError(for response: APIResponse, request: APIRequest, now: Date = Date()) -> RuntimeError {
        let body = ErrorBody(response.body)
        var code = HTTPErrorCode(status: response.status)
        if let status = body.rpcStatus, let mapped = HTTPErrorCode(rpcStatus: status) { code = mapped }
        if response.status == 403, isRateLimit(response: response, body: body) { code = .rateLimited }

        let disposition = Self.disposition(code, httpStatus: response.status, rpcStatus: body.rpcStatus)

        var message = "\(request.service) \(request.method) \(Redactor.path(of: request.url)): HTTP \(response.status)"
        if let status = body.rpcStatus { message += " \(status)" }
        if let text = body.message, !text.isEmpty {
            // Redact before truncating, so that a cut never leaves half a secret unrecognised.
            var redacted = Redactor.redact(text)
            if redacted.count > maximumMessageLength { redacted = String(redacted.prefix(maximumMessageLength)) + "…" }
            message += ": " + redacted
        }
        return RuntimeError(code: code.rawValue, message: Redactor.redact(message), disposition: disposition,
                            retryAfter: RetryAfter.seconds(in: response, now: now))
    }

    /// Whether an error with `code` is worth trying again: the code's default, except that a 501, `UNIMPLEMENTED`
    /// or `DATA_LOSS` never is.
    public static func disposition(_ code: HTTPErrorCode, httpStatus: Int?, rpcStatus: String?) -> RuntimeError.Disposition {
        if httpStatus == 501 || rpcStatus == "DATA_LOSS" || rpcStatus == "UNIMPLEMENTED" { return .stalled }
        return code.defaultDisposition
    }

    /// The error for a request that got no response (connection refused or reset, DNS failure, timeout).
    public static func runtimeError(forTransportError error: any Error, request: APIRequest) -> RuntimeError {
        if let runtime = error as? RuntimeError { return runtime }
        let text = String(describing: error)
        let code: HTTPErrorCode = text.lowercased().contains("timeout") || text.contains("deadlineExceeded") ? .timeout : .unavailable
        let message = "\(request.service) \(request.method) \(Redactor.path(of: request.url)): \(hostDescription(request.url)) did not answer: \(text)"
        return RuntimeError(code: code.rawValue, message: Redactor.redact(message), disposition: .retry)
    }

    static func hostDescription(_ url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) { rest = rest[..<end] }
        return "'" + String(rest) + "'"
    }

    private static func isRateLimit(response: APIResponse, body: ErrorBody) -> Bool {
        if response.header("x-ratelimit-remaining") == "0" || response.header("Retry-After") != nil { return true }
        if let reason = body.reason, reason.lowercased().contains("ratelimit") { return true }
        return body.message?.lowercased().contains("rate limit") ?? false
    }
}

/// What an error body says, whichever of the usual shapes it has.
struct ErrorBody {
    var message: String?
    /// The google.rpc.Code name (`NOT_FOUND`), when the body has one.
    var rpcStatus: String?
    /// The first `errors[].reason` of the older Google form, or the OAuth `error` value.
    var reason: String?

    init(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            if let error = object["error"] as? [String: Any] {
                message = error["message"] as? String
                rpcStatus = error["status"] as? String
                if let errors = error["errors"] as? [[String: Any]] { reason = errors.first?["reason"] as? String }
                if let details = error["details"] as? [[String: Any]] {
                    for detail in details where (detail["@type"] as? String)?.hasSuffix("google.rpc.ErrorInfo") == true {
                        if let info = detail["reason"] as? String { reason = info }
                    }
                }
            } else if let error = object["error"] as? String {
                // OAuth 2.0 (RFC 6749 §5.2).
                reason = error
                let description = object["error_description"] as? String
                message = description.map { "\(error): \($0)" } ?? error
            } else if let text = object["message"] as? String {
                // GitHub: {"message", "errors": [{"resource", "field", "code", "message"}], "documentation_url"}.
                var full = text
                if let errors = object["errors"] as? [[String: Any]] {
                    let parts = errors.compactMap { entry -> String? in
                        if let m = entry["message"] as? String { return m }
                        let fields = [entry["resource"], entry["field"], entry["code"]].compactMap { $0 as? String }
                        return fields.isEmpty ? nil : fields.joined(separator: " ")
                    }
                    if !parts.isEmpty { full += " (" + parts.joined(separator: "; ") + ")" }
                }
                message = full
            }
        }
        if message == nil {
            let text = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
            message = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
    }
}
