import Foundation
import StewardCore
import StewardRuntime
import StewardStore
import Testing

@Suite("steward plan, apply and status on the quickstart", .serialized)
struct ReconcileCommandTests {
    @Test("plan exits 2 with changes, apply runs everything, a second apply starts nothing")
    func applyTwice() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let plan = try q.steward("plan", "--detailed-exitcode")
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ Dataset/points"))
        #expect(plan.stdout.contains("prepare-span"))

        let apply = try q.steward("apply", "--yes", "--wait", "--poll-interval", "200ms", "--timeout", "2m")
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("build-image Pipeline/quickstart-training succeeded"))
        #expect(apply.stdout.contains("run-pipeline Pipeline/quickstart-training started"))

        let again = try q.steward("apply", "--yes")
        #expect(again.status == 0)
        #expect(!again.stdout.contains("started") && !again.stdout.contains("succeeded"), "\(again.stdout)")
        let quiet = try q.steward("plan", "--detailed-exitcode")
        #expect(quiet.status == 0, "\(quiet.stdout)")

        // Deleting the state store repeats nothing it can observe.
        try q.sh("rm -f .steward/state.db .steward/state.db-*")
        let afterDelete = try q.steward("apply", "--yes")
        #expect(afterDelete.status == 0)
        #expect(!afterDelete.stdout.contains("started"), "\(afterDelete.stdout)")

        let status = try q.steward("status", "--output", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let resources = try #require(object["resources"] as? [[String: Any]])
        let pipeline = try #require(resources.first { $0["resource"] as? String == "Pipeline/quickstart-training" })
        #expect((pipeline["condition"] as? [String: Any])?["type"] as? String == "Ready")
        #expect((pipeline["revision"] as? String)?.count == 40)
    }

    @Test("a module-only commit copies and runs without a build; an image-context commit builds")
    func twoBranches() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        #expect(try q.steward("apply", "--yes", "--wait", "--poll-interval", "200ms").status == 0)

        try q.sh("echo '# tuned' >> training_pipeline/models/model.py")
        try q.commit("tune the model")
        let modules = try q.steward("plan", "--output", "json")
        let changes = try Self.operations(modules.stdout)
        // The quickstart's checks run first for the new trees; the run follows them.
        #expect(changes == ["copy-modules", "run-check"], "\(modules.stdout)")
        #expect(modules.stdout.contains("modules changed: 1 file since"))
        #expect(try q.steward("apply", "--yes", "--wait", "--poll-interval", "200ms").status == 0)

        try q.sh("echo '# touched' >> training_pipeline/train.py")
        try q.commit("touch the entry point")
        let image = try q.steward("plan", "--output", "json")
        #expect(try Self.operations(image.stdout) == ["build-image", "run-check"], "\(image.stdout)")
        #expect(image.stdout.contains("image context changed: 1 file since"))

        // A README edit feeds no run: nothing to do once the image commit is applied.
        #expect(try q.steward("apply", "--yes", "--wait", "--poll-interval", "200ms").status == 0)
        try q.sh("echo more >> README.md")
        try q.commit("docs")
        #expect(try q.steward("plan", "--detailed-exitcode").status == 0)
    }

    @Test("apply refuses without --yes when standard input is not a terminal")
    func refusesWithoutTerminal() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let result = try q.steward("apply")
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to apply without --yes"))
        #expect(!FileManager.default.fileExists(atPath: q.directory + "/.steward/local/runs"))
    }

    @Test("a saved plan is refused once the observed state has moved")
    func stalePlan() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        #expect(try q.steward("plan", "--out", "first.plan").status == 0)
        #expect(try q.steward("apply", "--yes").status == 0)
        let stale = try q.steward("apply", "first.plan")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the saved plan is stale"), "\(stale.stderr)")
    }

    @Test("a saved plan that is still current is applied exactly")
    func currentPlan() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        #expect(try q.steward("plan", "--out", "p.plan").status == 0)
        let applied = try q.steward("apply", "p.plan")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("prepare-span Dataset/points succeeded"))
    }

    @Test("a second writer on the same state refuses, naming the holder")
    func singleWriter() async throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let store = try SQLiteStateStore.open(path: q.directory + "/.steward/state.db")
        let lock = try await store.acquireLock(holder: LockHolder(command: "steward serve", pid: 4242, host: "test-host",
                                                                  since: Instant(millisecondsSinceEpoch: 0)))
        let result = try q.steward("apply", "--yes")
        await lock.release()
        #expect(result.status == 1)
        #expect(result.stderr.contains("locked by 'steward serve' (pid 4242 on test-host"), "\(result.stderr)")
    }

    @Test("postgres state is refused with a clear message")
    func postgresRefused() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let result = try q.steward("status", "--state", "postgres://db/steward")
        #expect(result.status == 1)
        #expect(result.stderr.contains("sqlite:"), "\(result.stderr)")
    }

    static func operations(_ json: String) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        return changes.compactMap { $0["operation"] as? String }
    }
}
