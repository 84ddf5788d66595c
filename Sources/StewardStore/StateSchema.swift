import GRDB

/// The state store's schema as named, append-only migrations.
///
/// A migration, once released, never changes: later versions add migrations (`v2`, `v3`, …)
/// that add columns or tables, so any older state file upgrades in place. Instants are stored
/// as integer milliseconds since the epoch, resources as `Kind/name`.
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createTables)
        migrator.registerMigration("v2", migrate: heldActions)
        return migrator
    }

    private static func createTables(_ db: Database) throws {
        // `seq` is the append order: the journal's order is the order entries were written,
        // not their timestamps (clocks on two machines or after a restart may disagree).
        try db.create(table: "journal") { t in
            t.autoIncrementedPrimaryKey("seq")
            t.column("action_id", .text).notNull()
            t.column("reconcile_id", .text).notNull()
            t.column("resource", .text).notNull()
            t.column("operation", .text).notNull()
            t.column("key", .text)
            t.column("phase", .text).notNull().check { ["begin", "end"].contains($0) }
            t.column("outcome", .text)
            t.column("detail", .text)
            t.column("at", .integer).notNull()
        }
        try db.create(index: "journal_on_action_id", on: "journal", columns: ["action_id"])

        try db.create(table: "inventory") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("resource", .text).notNull()
            t.column("object_kind", .text).notNull()
            t.column("external_id", .text).notNull()
            t.column("key", .text)
            t.column("created_at", .integer).notNull()
            t.uniqueKey(["resource", "object_kind", "external_id"])
        }

        try db.create(table: "reconciles") { t in
            t.primaryKey("id", .text)
            t.column("revision", .text).notNull()
            t.column("plan_digest", .text).notNull()
            t.column("started_at", .integer).notNull()
            t.column("finished_at", .integer)
            t.column("outcome", .text).notNull()
            t.column("summary", .text).notNull().defaults(to: "")
        }
        try db.create(index: "reconciles_on_started_at", on: "reconciles", columns: ["started_at"])

        try db.create(table: "conditions") { t in
            t.primaryKey("resource", .text)
            t.column("type", .text).notNull()
            t.column("reason", .text).notNull()
            t.column("message", .text).notNull()
            t.column("revision", .text).notNull()
            t.column("updated_at", .integer).notNull()
        }

        // `seq` keeps the order results were recorded in, which `status` shows oldest first.
        try db.create(table: "evaluations") { t in
            t.autoIncrementedPrimaryKey("seq")
            t.column("evaluation", .text).notNull()
            t.column("batch", .text).notNull()
            t.column("model", .text).notNull()
            t.column("samples", .integer).notNull()
            t.column("correct", .integer).notNull()
            t.column("errors", .integer).notNull()
            t.column("missing", .integer).notNull()
            t.column("accuracy", .double).notNull()
            t.column("threshold", .double).notNull()
            t.column("passed", .boolean).notNull()
            t.column("recorded_at", .integer).notNull()
            t.uniqueKey(["evaluation", "batch", "model"])
        }

        // At most one row (id = 1): who holds the writer lock. Only meaningful while the
        // lock file is really locked; a crashed holder leaves a stale row that is ignored.
        try db.create(table: "lock_holder") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("command", .text).notNull()
            t.column("pid", .integer).notNull()
            t.column("host", .text).notNull()
            t.column("since", .integer).notNull()
        }
    }

    /// v2: the failures of held-back actions and people's retry requests (so a terminal error stays held across
    /// restarts, and `steward retry` reaches a running `serve`); conditions carry the error's code; the inventory,
    /// written and never read, goes (what Steward owns is told by labels in the cloud, `docs/state.md`).
    private static func heldActions(_ db: Database) throws {
        try db.drop(table: "inventory")
        try db.alter(table: "conditions") { t in
            t.add(column: "code", .text)
        }
        try db.create(table: "action_failures") { t in
            t.primaryKey("change_id", .text)
            t.column("resource", .text).notNull()
            t.column("operation", .text).notNull()
            t.column("key", .text)
            t.column("code", .text).notNull()
            t.column("message", .text).notNull()
            t.column("terminal", .boolean).notNull()
            t.column("retry_after", .double)
            t.column("attempts", .integer).notNull()
            t.column("first_failed_at", .integer).notNull()
            t.column("last_failed_at", .integer).notNull()
            t.column("next_attempt_at", .integer)
        }
        try db.create(table: "retry_requests") { t in
            t.autoIncrementedPrimaryKey("seq")
            t.column("resource", .text).notNull()
            t.column("requested_by", .text).notNull()
            t.column("requested_at", .integer).notNull()
        }
    }
}
