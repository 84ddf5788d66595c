import StewardCore

/// Steward's own records: the journal of side effects, reconcile history, conditions, evaluation results,
/// the failures of actions that are held back, and people's retry requests.
///
/// The cloud stays the source of truth: everything here either mirrors something observable
/// (so deleting the store repeats no work) or is history for people to read. What Steward owns is
/// told by the labels on the cloud's objects, not by a list kept here (`docs/state.md`).
public protocol StateStore: Sendable {
    /// Takes the single-writer lock, or throws `StoreError.locked` naming the holder.
    func acquireLock(holder: LockHolder) async throws -> WriterLock
    /// The current holder, if the lock is held.
    func lockHolder() async throws -> LockHolder?

    /// Writes a journal entry; `begin` before a side effect, `end` after it.
    func appendJournal(_ entry: JournalEntry) async throws
    /// Actions begun and never ended (an interrupted apply), oldest first.
    func unfinishedActions() async throws -> [JournalEntry]
    /// The newest journal entries, newest first.
    func recentJournal(limit: Int) async throws -> [JournalEntry]

    /// Starts a reconcile record; finished with `finishReconcile`.
    func beginReconcile(_ record: ReconcileRecord) async throws
    func finishReconcile(id: String, outcome: ReconcileOutcome, finishedAt: Instant, summary: String) async throws
    /// Closes the records a killed process left `running` as `interrupted`; returns how many it closed.
    /// The caller holds the writer lock, so no other reconcile is running.
    @discardableResult
    func closeInterruptedReconciles(at instant: Instant) async throws -> Int
    /// The newest reconciles, newest first.
    func reconciles(limit: Int) async throws -> [ReconcileRecord]

    /// Replaces the conditions of the given resources and removes those of resources no longer declared.
    func replaceConditions(_ conditions: [ResourceCondition]) async throws
    func conditions() async throws -> [ResourceCondition]

    /// Records an evaluation result; recording the same (evaluation, batch, model) twice keeps the first.
    func recordEvaluation(_ record: EvaluationRecord) async throws
    /// All evaluation results, oldest first.
    func evaluations() async throws -> [EvaluationRecord]

    /// The failures of actions held back: transient ones until their backoff ends, terminal ones until their
    /// inputs change or a person asks for a retry.
    func actionFailures() async throws -> [ActionFailure]
    /// Records or replaces the failure of an action (by `changeID`).
    func recordActionFailure(_ failure: ActionFailure) async throws
    /// Forgets the failures of these actions.
    func clearActionFailures(_ changeIDs: [String]) async throws

    /// Records a person's request to try a resource's held actions again (`steward retry`); taken up by the
    /// next reconcile of whichever process writes, a running `steward serve` included.
    func requestRetry(_ request: RetryRequest) async throws
    /// The retry requests not yet taken up, oldest first, without taking them.
    func retryRequests() async throws -> [RetryRequest]
    /// Takes the retry requests up: returns and removes them.
    func takeRetryRequests() async throws -> [RetryRequest]
}

/// Who holds the single-writer lock.
public struct LockHolder: Sendable, Hashable, Codable, CustomStringConvertible {
    public var command: String
    public var pid: Int32
    public var host: String
    public var since: Instant

    public init(command: String, pid: Int32, host: String, since: Instant) {
        self.command = command
        self.pid = pid
        self.host = host
        self.since = since
    }

    public var description: String { "'\(command)' (pid \(pid) on \(host), since \(since.iso8601))" }
}

/// A held writer lock; `release()` gives it up (it is also released when the process dies).
public protocol WriterLock: Sendable {
    func release() async
}

/// One journal line: the start or the end of one side effect.
public struct JournalEntry: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        case begin
        case end
    }

    /// Identifies the action across its `begin` and `end` entries (deterministic: derived from the key).
    public var actionID: String
    public var reconcileID: String
    public var resource: ResourceID
    public var operation: Operation
    public var key: String?
    public var phase: Phase
    /// Set on `end`: `succeeded`, `adopted`, `failed`, …
    public var outcome: String?
    public var detail: String?
    public var at: Instant

    public init(actionID: String, reconcileID: String, resource: ResourceID, operation: Operation, key: String?,
                phase: Phase, outcome: String? = nil, detail: String? = nil, at: Instant) {
        self.actionID = actionID
        self.reconcileID = reconcileID
        self.resource = resource
        self.operation = operation
        self.key = key
        self.phase = phase
        self.outcome = outcome
        self.detail = detail
        self.at = at
    }
}

/// How a reconcile ended.
public enum ReconcileOutcome: String, Sendable, Hashable, Codable {
    case running
    case succeeded
    case failed
    case interrupted
}

/// One reconcile: which commit, which plan, how it ended.
public struct ReconcileRecord: Sendable, Hashable, Codable {
    public var id: String
    public var revision: String
    public var planDigest: String
    public var startedAt: Instant
    public var finishedAt: Instant?
    public var outcome: ReconcileOutcome
    public var summary: String

    public init(id: String, revision: String, planDigest: String, startedAt: Instant, finishedAt: Instant? = nil,
                outcome: ReconcileOutcome = .running, summary: String = "") {
        self.id = id
        self.revision = revision
        self.planDigest = planDigest
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.summary = summary
    }
}

/// Errors of a state store.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case locked(by: LockHolder)
    case unsupported(String)
    case unreadable(path: String, message: String)

    public var description: String {
        switch self {
        case .locked(let holder):
            "the state store is locked by \(holder); wait for it to finish, or stop it"
        case .unsupported(let message): message
        case .unreadable(let path, let message): "cannot open the state store '\(path)': \(message)"
        }
    }
}
