/// An error from the world outside the core, with a bounded code that is safe as a metric label.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What the caller should do about it.
    public enum Disposition: String, Sendable {
        /// Try again later; the next reconcile will.
        case retry
        /// Needs a person; retrying changes nothing.
        case stalled
    }

    /// `not_found`, `already_exists`, `permission_denied`, `invalid`, `unavailable`, `timeout`, `failed`, …
    public var code: String
    public var message: String
    public var disposition: Disposition
    /// Seconds to wait before retrying, when the backend said so.
    public var retryAfter: Double?

    public init(code: String, message: String, disposition: Disposition = .retry, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.disposition = disposition
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    public static func notFound(_ what: String) -> RuntimeError {
        RuntimeError(code: "not_found", message: "\(what) does not exist", disposition: .stalled)
    }

    /// Whether the error says the thing does not exist.
    public var isNotFound: Bool { code == "not_found" }
}
