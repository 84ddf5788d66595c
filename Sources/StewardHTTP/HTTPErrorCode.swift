import StewardRuntime

/// The bounded codes an HTTP failure maps to; each is safe as a metric label.
public enum HTTPErrorCode: String, Sendable, CaseIterable {
    case invalid
    case unauthenticated
    case permissionDenied = "permission_denied"
    case notFound = "not_found"
    case alreadyExists = "already_exists"
    case failedPrecondition = "failed_precondition"
    /// A conflict with a concurrent change (`ABORTED`, a stale etag): read again and retry.
    case aborted
    case rateLimited = "rate_limited"
    case unavailable
    case timeout
    case `internal`
    case unknown

    /// Whether trying again later can help, when nothing more specific is known.
    public var defaultDisposition: RuntimeError.Disposition {
        switch self {
        case .rateLimited, .unavailable, .timeout, .internal, .unknown, .aborted: .retry
        case .invalid, .unauthenticated, .permissionDenied, .notFound, .alreadyExists, .failedPrecondition: .stalled
        }
    }

    /// The code for an HTTP status, before the body is read.
    public init(status: Int) {
        switch status {
        case 400, 405, 411, 413, 414, 415, 416, 422: self = .invalid
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404, 410: self = .notFound
        case 408: self = .timeout
        case 409: self = .alreadyExists
        case 412, 428: self = .failedPrecondition
        case 429: self = .rateLimited
        case 500, 501: self = .internal
        case 502, 503: self = .unavailable
        case 504: self = .timeout
        case 400..<500: self = .invalid
        case 500..<600: self = .internal
        default: self = .unknown
        }
    }

    /// The code for a `google.rpc.Code` name (the `status` of a google.rpc.Status body), when known.
    public init?(rpcStatus: String) {
        switch rpcStatus {
        case "INVALID_ARGUMENT", "OUT_OF_RANGE", "UNIMPLEMENTED": self = .invalid
        case "FAILED_PRECONDITION": self = .failedPrecondition
        case "ABORTED": self = .aborted
        case "UNAUTHENTICATED": self = .unauthenticated
        case "PERMISSION_DENIED": self = .permissionDenied
        case "NOT_FOUND": self = .notFound
        case "ALREADY_EXISTS": self = .alreadyExists
        case "RESOURCE_EXHAUSTED": self = .rateLimited
        case "UNAVAILABLE": self = .unavailable
        case "DEADLINE_EXCEEDED": self = .timeout
        case "INTERNAL", "DATA_LOSS": self = .internal
        case "UNKNOWN", "CANCELLED": self = .unknown
        default: return nil
        }
    }
}
