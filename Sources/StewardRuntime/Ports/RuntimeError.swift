/// An error from the world outside the core, with a bounded code that is safe as a metric label.
public struct RuntimeError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the caller should do about it.
    public enum Disposition: String, Sendable, Hashable, Codable {
        /// Transient: try again later, after a backoff.
        case retry
        /// Terminal: needs a person; retrying the same request changes nothing.
        case stalled
    }

    /// `not_found`, `already_exists`, `permission_denied`, `invalid`, `unavailable`, `timeout`, `failed`, …
    public var code: String
    /// What went wrong, for people; adapters redact secrets before they put anything here.
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

    /// Whether retrying cannot help until something changes (a manifest, a permission, a person's retry).
    public var isTerminal: Bool { disposition == .stalled }

    public static func notFound(_ what: String) -> RuntimeError {
        RuntimeError(code: "not_found", message: "\(what) does not exist", disposition: .stalled)
    }

    /// Whether the error says the thing does not exist.
    public var isNotFound: Bool { code == "not_found" }

    /// Any error as a `RuntimeError`: one already, one an adapter knows how to classify, or else a transient
    /// `internal` error carrying the error's description (an unknown error is retried with backoff, never
    /// taken for a verdict).
    public static func classifying(_ error: any Error) -> RuntimeError {
        if let error = error as? RuntimeError { return error }
        if let error = error as? any RuntimeErrorConvertible { return error.runtimeError }
        return RuntimeError(code: "internal", message: "\(error)", disposition: .retry)
    }
}

/// An adapter's error that says what it means for a reconcile: its bounded code and whether to retry.
public protocol RuntimeErrorConvertible: Error {
    var runtimeError: RuntimeError { get }
}
