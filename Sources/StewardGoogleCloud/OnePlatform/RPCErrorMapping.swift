import Foundation
import StewardHTTP
import StewardRuntime

/// Maps google.rpc.Status errors to `RuntimeError`s with bounded codes.
///
/// Small on purpose: a shared mapper in StewardHTTP may replace the HTTP half. Messages never hold request
/// headers or bodies, only the method, the path and the server's message.
enum RPCErrorMapping {
    /// The longest server message kept.
    static let maximumMessageLength = 400

    /// The error for a non-2xx response.
    static func error(for response: APIResponse, request: APIRequest) -> RuntimeError {
        let status = (try? JSONCoding.decode(RPCStatus.Envelope.self, from: response.body))?.error
        var mapped = code(httpStatus: response.status)
        if let name = status?.status, let named = code(rpcName: name) { mapped = named }
        var message = "\(request.service) \(request.method) \(path(of: request.url)): HTTP \(response.status)"
        if let name = status?.status { message += " \(name)" }
        if let text = status?.message, !text.isEmpty { message += ": " + truncated(text) }
        return RuntimeError(code: mapped, message: message, disposition: disposition(mapped),
                            retryAfter: response.header("Retry-After").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) })
    }

    /// The error of a failed operation or job (`code` is a numeric google.rpc.Code).
    static func error(for status: RPCStatus, what: String) -> RuntimeError {
        let name = status.code.flatMap { RPCStatus.codeNames[$0] } ?? "UNKNOWN"
        let mapped = code(rpcName: name) ?? "failed"
        var message = "\(what) failed: \(name)"
        if let text = status.message, !text.isEmpty { message += ": " + truncated(text) }
        return RuntimeError(code: mapped, message: message, disposition: disposition(mapped))
    }

    static func code(httpStatus: Int) -> String {
        switch httpStatus {
        case 400, 422: "invalid"
        case 401: "unauthenticated"
        case 403: "permission_denied"
        case 404: "not_found"
        case 408, 504: "timeout"
        case 409: "already_exists"
        case 412: "failed_precondition"
        case 429: "rate_limited"
        case 502, 503: "unavailable"
        case 500..<600: "internal"
        case 400..<500: "invalid"
        default: "unknown"
        }
    }

    static func code(rpcName: String) -> String? {
        switch rpcName {
        case "INVALID_ARGUMENT", "OUT_OF_RANGE", "UNIMPLEMENTED": "invalid"
        case "FAILED_PRECONDITION": "failed_precondition"
        case "ABORTED": "aborted"
        case "UNAUTHENTICATED": "unauthenticated"
        case "PERMISSION_DENIED": "permission_denied"
        case "NOT_FOUND": "not_found"
        case "ALREADY_EXISTS": "already_exists"
        case "RESOURCE_EXHAUSTED": "rate_limited"
        case "UNAVAILABLE": "unavailable"
        case "DEADLINE_EXCEEDED": "timeout"
        case "INTERNAL", "DATA_LOSS", "UNKNOWN": "internal"
        case "CANCELLED": "cancelled"
        default: nil
        }
    }

    static func disposition(_ code: String) -> RuntimeError.Disposition {
        switch code {
        case "rate_limited", "unavailable", "timeout", "internal", "aborted", "unknown", "cancelled": .retry
        default: .stalled
        }
    }

    /// The URL without its query (which may hold filters and page tokens).
    static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] } else { rest = "/" }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        return String(rest)
    }

    private static func truncated(_ text: String) -> String {
        text.count > maximumMessageLength ? String(text.prefix(maximumMessageLength)) + "…" : text
    }
}
