import Foundation
import Glibc
import Testing

/// The quickstart's checks (unit tests of the model module, the compile step that writes the spec) on the
/// local provider, through the built `steward`.
@Suite("steward and a Pipeline's checks", .serialized)
struct ChecksCommandTests {
    static let wait = ["apply", "--yes", "--wait", "--poll-interval", "200ms", "--timeout", "2m"]

    static func folders(_ q: CLIHarness, _ kind: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: q.directory + "/.steward/local/" + kind)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    static func condition(_ q: CLIHarness, _ resource: String) throws -> [String: Any] {
        let status = try q.steward("status", "--output", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let resources = try #require(object["resources"] as? [[String: Any]])
        let entry = try #require(resources.first { $0["resource"] as? String == resource }, "\(status.stdout)")
        return try #require(entry["condition"] as? [String: Any])
    }

    static let breakModel = #"printf '\n\ndef predict(model, point):  # a refactoring that lost the vote\n    return model["classes"][0], 1.0\n' >> training_pipeline/models/model.py"#

    @Test("checks gate the run: a failing test stalls the Pipeline without a run and is not rerun for its key; retry and a fix rerun it; a README commit reruns nothing")
    func gate() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let plan = try q.steward("plan")
        #expect(plan.stdout.contains("> Pipeline/quickstart-training  run-check        unit-tests: image tree"), "\(plan.stdout)")
        #expect(try q.run(CLIHarness.binary, Self.wait).status == 0)
        #expect(Self.folders(q, "checks").count == 2)
        #expect(Self.folders(q, "runs").count == 1)

        // The spec the run used is the one the compile check wrote, stored by its key.
        let templates = try q.sh("find .steward/local/storage/steward-local/templates -name quickstart_pipeline.json | wc -l")
        #expect(templates.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        try q.sh("echo 'more words' >> README.md")
        try q.commit("docs")
        #expect(try q.run(CLIHarness.binary, Self.wait).status == 0)
        #expect(Self.folders(q, "checks").count == 2, "a passed check is not rerun for the same trees")

        try q.sh(Self.breakModel)
        try q.commit("refactor predict")
        let broken = try q.run(CLIHarness.binary, Self.wait)
        #expect(broken.status == 1, "\(broken.stdout)\n\(broken.stderr)")
        #expect(broken.stderr.contains("AssertionError"), "\(broken.stderr)")
        let stalled = try Self.condition(q, "Pipeline/quickstart-training")
        #expect(stalled["type"] as? String == "Stalled")
        #expect(stalled["reason"] as? String == "CheckFailed")
        #expect((stalled["message"] as? String)?.contains("check 'unit-tests' failed") == true, "\(stalled)")
        #expect(Self.folders(q, "runs").count == 1, "no run behind a failed check")
        let checks = Self.folders(q, "checks")
        #expect(checks.count == 3)

        // apply does not rerun a failed check; a person's retry does, once.
        #expect(try q.steward("apply", "--yes").status == 1)
        #expect(Self.folders(q, "checks") == checks)
        let retry = try q.steward("retry", "Pipeline/quickstart-training")
        #expect(retry.stdout.contains("runs its failed check again"), "\(retry.stdout)")
        #expect(try q.run(CLIHarness.binary, Self.wait).status == 1)
        #expect(Self.folders(q, "checks").count == 4)
        #expect(Self.folders(q, "checks").contains { $0.hasPrefix("quickstart-training-unit-tests-") && $0.hasSuffix("-2") })

        try q.sh("git checkout HEAD~1 -- training_pipeline/models/model.py && printf '\\n# predict keeps the vote\\n' >> training_pipeline/models/model.py")
        try q.commit("fix predict")
        let fixed = try q.run(CLIHarness.binary, Self.wait)
        #expect(fixed.status == 0, "\(fixed.stdout)\n\(fixed.stderr)")
        #expect(fixed.stdout.contains("run-pipeline Pipeline/quickstart-training started"), "\(fixed.stdout)")
        #expect(Self.folders(q, "runs").count == 2)
        #expect(try Self.condition(q, "Pipeline/quickstart-training")["type"] as? String == "Ready")
    }

    @Test("apply killed while launching a check: the next apply finishes it as the same attempt, run once",
          arguments: ["launching", "spawned"])
    func killedDuringCheck(moment: String) throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let killed = try q.run(CLIHarness.binary, Self.wait, environment: ["STEWARD_CRASH_AT": "local-check:\(moment)"])
        #expect(killed.status == SIGKILL, "\(killed.stdout)\n\(killed.stderr)")
        #expect(Self.folders(q, "checks").count == 1)
        let apply = try q.run(CLIHarness.binary, Self.wait)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let checks = Self.folders(q, "checks")
        #expect(checks.count == 2)
        #expect(checks.allSatisfy { $0.hasSuffix("-1") }, "\(checks)")
        let log = try String(contentsOfFile: q.directory + "/.steward/local/checks/\(checks.first { $0.contains("unit-tests") }!)/log.txt",
                             encoding: .utf8)
        #expect(log.components(separatedBy: "Ran 3 tests").count - 1 == 1, "\(log)")
        #expect(Self.folders(q, "runs").count == 1)
    }

    @Test("a check's process killed from outside could not run: it runs again as attempt 2, the Pipeline not Stalled")
    func vanishedCheck() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        // The unit tests hang until their session is killed (`timeout` runs the command in a process group of its own).
        try q.sh("sed -i \"s|command: python3 -m unittest discover -s models -p '\\*_test.py'|command: sleep 611|\" manifests/quickstart.yaml")
        try q.commit("a hanging check")
        #expect(try q.steward("apply", "--yes").status == 0)
        let first = try #require(Self.folders(q, "checks").first)
        let pid = try String(contentsOfFile: q.directory + "/.steward/local/checks/\(first)/pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try q.sh("for i in $(seq 50); do pgrep -s \(pid) -f '^sleep 611$' >/dev/null && break; sleep 0.1; done; pkill -KILL -s \(pid)")
        let again = try q.steward("apply", "--yes")
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let checks = Self.folders(q, "checks")
        #expect(checks.count == 2, "\(checks)")
        #expect(checks.contains { $0.hasSuffix("-2") })
        #expect(try Self.condition(q, "Pipeline/quickstart-training")["type"] as? String == "Progressing")
        try q.sh("pkill -f '^sleep 611$' || true")
    }
}
