import Foundation
import GRDB
import StewardCore
import StewardRuntime

/// The state store in one SQLite file (WAL mode), for one machine.
///
/// Several processes may read the file at once; one writer at a time is enforced by
/// `acquireLock(holder:)`, an OS lock on the sidecar file `<path>.lock`.
public final class SQLiteStateStore: StateStore {
    /// The database file.
    public let path: String
    /// The sidecar file that carries the single-writer lock.
    public let lockPath: String
    let database: DatabasePool

    private init(path: String, database: DatabasePool) {
        self.path = path
        self.lockPath = path + ".lock"
        self.database = database
    }

    /// Opens (or creates) the store at `path`, creating parent folders and running migrations.
    ///
    /// Throws `StoreError.unreadable` when the file cannot be opened, is not a SQLite database,
    /// is a SQLite database that is not a Steward state store, or was written by a newer Steward.
    public static func open(path: String) throws -> SQLiteStateStore {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                if let file = firstFileAmongAncestors(of: folder) {
                    throw StoreError.unreadable(path: path, message: "cannot create the folder '\(folder)': '\(file)' is a file, not a folder")
                }
                throw StoreError.unreadable(path: path, message: "cannot create the folder '\(folder)': \(reason(of: error))")
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.unreadable(path: path, message: "it is a folder; point '--state' at a file, e.g. 'sqlite:\(path)/state.db'")
        }

        var configuration = Configuration()
        configuration.label = "steward-state"
        // Readers (`status`) and the one writer may touch the file at the same moment;
        // wait a little for SQLite's own short locks rather than failing at once.
        configuration.busyMode = .timeout(10)

        let database: DatabasePool
        do {
            database = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.unreadable(path: path, message: reason(of: error))
        }
        do {
            try checkOwnership(database)
            try StateSchema.migrator.migrate(database)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadable(path: path, message: reason(of: error))
        }
        return SQLiteStateStore(path: path, database: database)
    }

    /// Refuses a SQLite file that holds someone else's tables, or migrations this version does not know,
    /// so that a mistyped `--state` never alters another program's database.
    private static func checkOwnership(_ database: DatabasePool) throws {
        try database.read { db in
            let migrationsTable = try db.tableExists("grdb_migrations")
            if !migrationsTable {
                let objects = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                if !objects.isEmpty {
                    let listed = objects.sorted().prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                    throw StoreError.unreadable(
                        path: database.path,
                        message: "it is a SQLite database, but not a Steward state store (it holds \(listed)); point '--state' at another file")
                }
                return
            }
            if try StateSchema.migrator.hasBeenSuperseded(db) {
                let known = Set(StateSchema.migrator.migrations)
                let unknown = try StateSchema.migrator.appliedIdentifiers(db).subtracting(known).sorted()
                throw StoreError.unreadable(
                    path: database.path,
                    message: "it was written by a newer Steward (schema \(unknown.joined(separator: ", "))); upgrade Steward to use it")
            }
        }
    }

    /// A short, user-facing reason for an error of SQLite or the file system.
    static func reason(of error: Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return "the file is not a SQLite database; point '--state' at another file, or move this one away"
            case .SQLITE_CANTOPEN:
                return "the file cannot be opened (check that its folder exists and is writable)"
            case .SQLITE_READONLY, .SQLITE_PERM:
                return "the file is read-only; Steward needs to write its state"
            case .SQLITE_CORRUPT:
                return "the database is damaged (\(error.message ?? "corrupt")); restore it or move it away (Steward rebuilds what it can observe)"
            default:
                return error.message.map { "\($0) (SQLite error \(error.resultCode.rawValue))" } ?? "\(error)"
            }
        }
        // Foundation's sentences, in the style of Steward's messages: lowercase, no trailing period.
        var text = (error as NSError).localizedDescription
        while text.hasSuffix(".") { text.removeLast() }
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// The nearest existing ancestor of `folder` (or `folder` itself) when it is a file, which
    /// makes creating the folder impossible.
    private static func firstFileAmongAncestors(of folder: String) -> String? {
        var candidate = folder
        while !candidate.isEmpty, candidate != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : candidate
            }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        return nil
    }

    // MARK: - Journal

    public func appendJournal(_ entry: JournalEntry) async throws {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: """
                    INSERT INTO journal (action_id, reconcile_id, resource, operation, key, phase, outcome, detail, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.actionID, entry.reconcileID, entry.resource.description, entry.operation.rawValue, entry.key,
                    entry.phase.rawValue, entry.outcome, entry.detail, entry.at.millisecondsSinceEpoch,
                ])
        }
    }

    /// Actions whose latest journal entry is a `begin`, oldest first.
    ///
    /// An action id is derived from the action's key, so the same id can be begun again by a
    /// later reconcile: only the latest attempt counts, and an action begun twice without an
    /// `end` (two interrupted attempts) is returned once, as its latest `begin`.
    public func unfinishedActions() async throws -> [JournalEntry] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT b.* FROM journal b
                    WHERE b.phase = 'begin'
                      AND NOT EXISTS (SELECT 1 FROM journal later WHERE later.action_id = b.action_id AND later.seq > b.seq)
                    ORDER BY b.seq
                    """
            ).map(Self.journalEntry)
        }
    }

    public func recentJournal(limit: Int) async throws -> [JournalEntry] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM journal ORDER BY seq DESC LIMIT ?", arguments: [max(0, limit)])
                .map(Self.journalEntry)
        }
    }

    private static func journalEntry(_ row: Row) throws -> JournalEntry {
        JournalEntry(
            actionID: row["action_id"],
            reconcileID: row["reconcile_id"],
            resource: try decode(row["resource"], as: ResourceID.init(parsing:), column: "journal.resource"),
            operation: try decode(row["operation"], as: Operation.init(rawValue:), column: "journal.operation"),
            key: row["key"],
            phase: try decode(row["phase"], as: JournalEntry.Phase.init(rawValue:), column: "journal.phase"),
            outcome: row["outcome"],
            detail: row["detail"],
            at: Instant(millisecondsSinceEpoch: row["at"]))
    }

    // MARK: - Reconciles

    public func beginReconcile(_ record: ReconcileRecord) async throws {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: """
                    INSERT INTO reconciles (id, revision, plan_digest, started_at, finished_at, outcome, summary)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.revision, record.planDigest, record.startedAt.millisecondsSinceEpoch,
                    record.finishedAt?.millisecondsSinceEpoch, record.outcome.rawValue, record.summary,
                ])
        }
    }

    /// Records how a reconcile ended; finishing an id that was never begun changes nothing
    /// (the history is for people to read, and must not fail the reconcile it describes).
    public func finishReconcile(id: String, outcome: ReconcileOutcome, finishedAt: Instant, summary: String) async throws {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: "UPDATE reconciles SET outcome = ?, finished_at = ?, summary = ? WHERE id = ?",
                arguments: [outcome.rawValue, finishedAt.millisecondsSinceEpoch, summary, id])
        }
    }

    /// Closes as `interrupted` every reconcile still `running`: the caller holds the writer lock, so none of them
    /// is running any more (a process killed mid-reconcile leaves its record open).
    @discardableResult
    public func closeInterruptedReconciles(at instant: Instant) async throws -> Int {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: """
                    UPDATE reconciles SET outcome = 'interrupted', finished_at = ?,
                      summary = CASE WHEN summary = '' THEN 'interrupted: the process stopped before the reconcile ended'
                                     ELSE summary END
                    WHERE outcome = 'running'
                    """,
                arguments: [instant.millisecondsSinceEpoch])
            return db.changesCount
        }
    }

    public func reconciles(limit: Int) async throws -> [ReconcileRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM reconciles ORDER BY started_at DESC, rowid DESC LIMIT ?", arguments: [max(0, limit)]
            ).map { row in
                ReconcileRecord(
                    id: row["id"],
                    revision: row["revision"],
                    planDigest: row["plan_digest"],
                    startedAt: Instant(millisecondsSinceEpoch: row["started_at"]),
                    finishedAt: (row["finished_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    outcome: try decode(row["outcome"], as: ReconcileOutcome.init(rawValue:), column: "reconciles.outcome"),
                    summary: row["summary"])
            }
        }
    }

    // MARK: - Conditions

    /// Replaces all conditions in one transaction; if one resource appears twice, the last one wins.
    public func replaceConditions(_ conditions: [ResourceCondition]) async throws {
        try await database.writeToCompletion { db in
            try db.execute(sql: "DELETE FROM conditions")
            for item in conditions {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO conditions (resource, type, reason, message, code, revision, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        item.resource.description, item.condition.type.rawValue, item.condition.reason,
                        item.condition.message, item.condition.code, item.revision, item.updatedAt.millisecondsSinceEpoch,
                    ])
            }
        }
    }

    /// All conditions, in resource order (kinds in dependency order, then names).
    public func conditions() async throws -> [ResourceCondition] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conditions").map { row in
                ResourceCondition(
                    resource: try decode(row["resource"], as: ResourceID.init(parsing:), column: "conditions.resource"),
                    condition: Condition(
                        try decode(row["type"], as: Condition.Kind.init(rawValue:), column: "conditions.type"),
                        reason: row["reason"],
                        message: row["message"],
                        code: row["code"]),
                    revision: row["revision"],
                    updatedAt: Instant(millisecondsSinceEpoch: row["updated_at"]))
            }
        }
        .sorted { $0.resource < $1.resource }
    }

    // MARK: - Evaluations

    public func recordEvaluation(_ record: EvaluationRecord) async throws {
        try await database.writeToCompletion { db in
            // ON CONFLICT on the unique key only (unlike INSERT OR IGNORE, which would also
            // swallow NOT NULL or CHECK violations): the first result for a batch stands.
            try db.execute(
                sql: """
                    INSERT INTO evaluations
                      (evaluation, batch, model, samples, correct, errors, missing, accuracy, threshold, passed, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (evaluation, batch, model) DO NOTHING
                    """,
                arguments: [
                    record.evaluation, record.batch, record.model, record.samples, record.correct, record.errors,
                    record.missing, record.accuracy, record.threshold, record.passed, record.recordedAt.millisecondsSinceEpoch,
                ])
        }
    }

    /// All evaluation results in the order they were recorded, oldest first.
    public func evaluations() async throws -> [EvaluationRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evaluations ORDER BY seq").map { row in
                EvaluationRecord(
                    evaluation: row["evaluation"],
                    batch: row["batch"],
                    model: row["model"],
                    samples: row["samples"],
                    correct: row["correct"],
                    errors: row["errors"],
                    missing: row["missing"],
                    accuracy: row["accuracy"],
                    threshold: row["threshold"],
                    passed: row["passed"],
                    recordedAt: Instant(millisecondsSinceEpoch: row["recorded_at"]))
            }
        }
    }

    // MARK: - Held actions

    public func actionFailures() async throws -> [ActionFailure] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM action_failures ORDER BY first_failed_at, change_id").map { row in
                let terminal: Bool = row["terminal"]
                return ActionFailure(
                    changeID: row["change_id"],
                    resource: try decode(row["resource"], as: ResourceID.init(parsing:), column: "action_failures.resource"),
                    operation: try decode(row["operation"], as: Operation.init(rawValue:), column: "action_failures.operation"),
                    key: row["key"],
                    error: RuntimeError(
                        code: row["code"], message: row["message"], disposition: terminal ? .stalled : .retry,
                        retryAfter: row["retry_after"]),
                    attempts: row["attempts"],
                    firstFailedAt: Instant(millisecondsSinceEpoch: row["first_failed_at"]),
                    lastFailedAt: Instant(millisecondsSinceEpoch: row["last_failed_at"]),
                    nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)))
            }
        }
    }

    public func recordActionFailure(_ failure: ActionFailure) async throws {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO action_failures
                      (change_id, resource, operation, key, code, message, terminal, retry_after, attempts,
                       first_failed_at, last_failed_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    failure.changeID, failure.resource.description, failure.operation.rawValue, failure.key,
                    failure.error.code, failure.error.message, failure.error.isTerminal, failure.error.retryAfter,
                    failure.attempts, failure.firstFailedAt.millisecondsSinceEpoch,
                    failure.lastFailedAt.millisecondsSinceEpoch, failure.nextAttemptAt?.millisecondsSinceEpoch,
                ])
        }
    }

    public func clearActionFailures(_ changeIDs: [String]) async throws {
        guard !changeIDs.isEmpty else { return }
        try await database.writeToCompletion { db in
            for id in changeIDs {
                try db.execute(sql: "DELETE FROM action_failures WHERE change_id = ?", arguments: [id])
            }
        }
    }

    // MARK: - Retry requests

    public func requestRetry(_ request: RetryRequest) async throws {
        try await database.writeToCompletion { db in
            try db.execute(
                sql: "INSERT INTO retry_requests (resource, requested_by, requested_at) VALUES (?, ?, ?)",
                arguments: [request.resource.description, request.requestedBy, request.requestedAt.millisecondsSinceEpoch])
        }
    }

    public func retryRequests() async throws -> [RetryRequest] {
        try await database.read { db in try Self.retryRequests(db) }
    }

    public func takeRetryRequests() async throws -> [RetryRequest] {
        try await database.writeToCompletion { db in
            let requests = try Self.retryRequests(db)
            try db.execute(sql: "DELETE FROM retry_requests")
            return requests
        }
    }

    private static func retryRequests(_ db: Database) throws -> [RetryRequest] {
        try Row.fetchAll(db, sql: "SELECT * FROM retry_requests ORDER BY seq").map { row in
            RetryRequest(
                resource: try decode(row["resource"], as: ResourceID.init(parsing:), column: "retry_requests.resource"),
                requestedBy: row["requested_by"],
                requestedAt: Instant(millisecondsSinceEpoch: row["requested_at"]))
        }
    }
}

/// Decodes a text column into a model value, or names the column and value it cannot read
/// (a row written by a newer Steward with a value this version does not know).
private func decode<T>(_ text: String, as make: (String) -> T?, column: String) throws -> T {
    guard let value = make(text) else {
        throw StoreError.unsupported("the state store holds '\(text)' in \(column), which this version of Steward does not know; upgrade Steward")
    }
    return value
}
