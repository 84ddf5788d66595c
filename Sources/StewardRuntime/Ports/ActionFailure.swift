import StewardCore

/// An action that failed and is held back, by its change id (which names the operation and the key, so a
/// change of inputs makes a new action that is not held).
public struct ActionFailure: Sendable, Hashable, Codable {
    public var changeID: String
    public var resource: ResourceID
    public var operation: Operation
    public var key: String?
    /// The error of the latest attempt.
    public var error: RuntimeError
    /// Consecutive failed attempts.
    public var attempts: Int
    public var firstFailedAt: Instant
    public var lastFailedAt: Instant
    /// When a transient failure may be tried again; nil for a terminal one, which waits for a person.
    public var nextAttemptAt: Instant?

    public init(changeID: String, resource: ResourceID, operation: Operation, key: String?, error: RuntimeError,
                attempts: Int, firstFailedAt: Instant, lastFailedAt: Instant, nextAttemptAt: Instant?) {
        self.changeID = changeID
        self.resource = resource
        self.operation = operation
        self.key = key
        self.error = error
        self.attempts = attempts
        self.firstFailedAt = firstFailedAt
        self.lastFailedAt = lastFailedAt
        self.nextAttemptAt = nextAttemptAt
    }

    /// Whether the failure waits for a person rather than for time.
    public var isTerminal: Bool { error.isTerminal }
}

/// A person's request to try a resource's held actions again.
public struct RetryRequest: Sendable, Hashable, Codable {
    public var resource: ResourceID
    /// Who asked, for the log: `steward retry (pid 42 on host)`.
    public var requestedBy: String
    public var requestedAt: Instant

    public init(resource: ResourceID, requestedBy: String, requestedAt: Instant) {
        self.resource = resource
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }
}
