import Foundation
import GRDB
import StewardCore
import StewardRuntime
@testable import StewardStore
import Testing

@Suite("Opening the SQLite state store")
struct SQLiteStateStoreOpeningTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test("a new file gets every table of the migrations, in WAL mode, in folders created on the way")
    func newFile() async throws {
        let path = folder.path("nested/.steward/state.db")
        let store = try SQLiteStateStore.open(path: path)

        #expect(FileManager.default.fileExists(atPath: path))
        let (tables, migrations, journalMode) = try await store.database.read { db in
            (Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(tables.isSuperset(of: ["journal", "reconciles", "conditions", "evaluations", "lock_holder", "action_failures", "retry_requests"]))
        #expect(!tables.contains("inventory"))
        #expect(migrations == ["v1", "v2"])
        #expect(journalMode == "wal")
    }

    @Test("re-opening an existing file keeps its data and runs no migration twice")
    func reopen() async throws {
        let path = folder.path("state.db")
        let begin = JournalEntry(actionID: "a", reconcileID: "r1", resource: ResourceID(.pipeline, "p"),
                                 operation: .buildImage, key: "k", phase: .begin,
                                 at: Instant(millisecondsSinceEpoch: 1_795_919_912_000))
        let evaluation = EvaluationRecord(evaluation: "drift", batch: "b1", model: "m1", samples: 10, correct: 7, errors: 0,
                                          missing: 0, accuracy: 0.7, threshold: 0.8, passed: false,
                                          recordedAt: Instant(millisecondsSinceEpoch: 1_795_919_913_000))
        do {
            let store = try SQLiteStateStore.open(path: path)
            try await store.appendJournal(begin)
            try await store.recordEvaluation(evaluation)
        }

        let reopened = try SQLiteStateStore.open(path: path)
        #expect(try await reopened.unfinishedActions() == [begin])
        #expect(try await reopened.evaluations() == [evaluation])
        let migrations = try await reopened.database.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["v1", "v2"])
    }

    @Test("a state file of the first version upgrades in place: its history stays, its inventory goes")
    func upgradesFromV1() async throws {
        let path = folder.path("state.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try StateSchema.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO conditions (resource, type, reason, message, revision, updated_at)
                    VALUES ('Pipeline/p', 'Ready', 'RunSucceeded', 'ok', 'abc', 1795919912000)
                    """)
                try db.execute(sql: """
                    INSERT INTO inventory (resource, object_kind, external_id, created_at)
                    VALUES ('Pipeline/p', 'image', 'img:abc', 1795919912000)
                    """)
            }
        }

        let store = try SQLiteStateStore.open(path: path)
        let conditions = try await store.conditions()
        #expect(conditions.map(\.condition) == [Condition(.ready, reason: "RunSucceeded", message: "ok")])
        #expect(try await store.actionFailures().isEmpty)
        let tables = try await store.database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        #expect(!tables.contains("inventory"))
    }

    @Test("a file that is not a SQLite database is unreadable, and left as it was", arguments: [
        "text of 2300 bytes", "json of 16 bytes",
    ])
    func garbageFile(kind: String) throws {
        let content = kind.hasPrefix("text")
            ? String(repeating: "this is not a database\n", count: 100)
            : "{\"short\": true}\n"
        let path = folder.path("state.db")
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: StoreError.self) { try SQLiteStateStore.open(path: path) }
        guard case .unreadable(let reportedPath, let message) = error else {
            Issue.record("expected StoreError.unreadable, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(message.contains("not a SQLite database"))
        #expect(error.description.hasPrefix("cannot open the state store '\(path)': "))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }

    @Test("a folder as the database is unreadable")
    func folderAsDatabase() throws {
        let path = folder.path("state.db")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)

        let error = try #require(throws: StoreError.self) { try SQLiteStateStore.open(path: path) }
        guard case .unreadable(let reportedPath, let message) = error else {
            Issue.record("expected StoreError.unreadable, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(message.contains("folder"))
    }

    @Test("a parent that is a file, not a folder, is unreadable")
    func parentIsAFile() throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("file")))
        let path = folder.path("file/state.db")

        let error = try #require(throws: StoreError.self) { try SQLiteStateStore.open(path: path) }
        guard case .unreadable(let reportedPath, let message) = error else {
            Issue.record("expected StoreError.unreadable, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(message == "cannot create the folder '\(folder.path("file"))': '\(folder.path("file"))' is a file, not a folder")
    }

    @Test("another program's SQLite database is refused and not altered")
    func foreignDatabase() throws {
        let path = folder.path("notes.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE notes (body TEXT)")
                try db.execute(sql: "INSERT INTO notes VALUES (?)", arguments: ["keep me"])
            }
        }

        let error = try #require(throws: StoreError.self) { try SQLiteStateStore.open(path: path) }
        guard case .unreadable(_, let message) = error else {
            Issue.record("expected StoreError.unreadable, got \(error)")
            return
        }
        #expect(message.contains("not a Steward state store"))
        #expect(message.contains("'notes'"))
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables == ["notes"])
    }

    @Test("a state file migrated by a newer Steward is refused, naming the unknown migration")
    func newerSchema() throws {
        let path = folder.path("state.db")
        _ = try SQLiteStateStore.open(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: ["v7"])
        }

        let error = try #require(throws: StoreError.self) { try SQLiteStateStore.open(path: path) }
        guard case .unreadable(_, let message) = error else {
            Issue.record("expected StoreError.unreadable, got \(error)")
            return
        }
        #expect(message == "it was written by a newer Steward (schema v7); upgrade Steward to use it")
    }
}
