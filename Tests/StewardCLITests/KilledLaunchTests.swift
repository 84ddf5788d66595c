import Foundation
import Glibc
import StewardRuntime
import StewardStore
import Testing

/// `steward apply` killed with SIGKILL while it launches a local job (`STEWARD_CRASH_AT`): once its
/// record says `launching` and nothing is spawned, and once the process is spawned but not recorded.
/// The next apply finishes the job as the same attempt, and its command runs exactly once.
@Suite("steward apply killed while launching a local job", .serialized)
struct KilledLaunchTests {
    static let wait = ["apply", "--yes", "--wait", "--poll-interval", "200ms", "--timeout", "2m"]

    static func folders(_ q: CLIHarness, _ kind: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: q.directory + "/.steward/local/" + kind)
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    static func occurrences(of text: String, in path: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: text).count - 1
    }

    static func condition(_ q: CLIHarness, _ resource: String) throws -> [String: Any] {
        let status = try q.steward("status", "--output", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let resources = try #require(object["resources"] as? [[String: Any]])
        let entry = try #require(resources.first { $0["resource"] as? String == resource }, "\(status.stdout)")
        return try #require(entry["condition"] as? [String: Any])
    }

    @Test("a pipeline run: the next apply finishes attempt 1, trained once", arguments: ["launching", "spawned"])
    func pipelineRun(moment: String) async throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let killed = try q.run(CLIHarness.binary, Self.wait, environment: ["STEWARD_CRASH_AT": "local-run:\(moment)"])
        #expect(killed.status == SIGKILL, "\(killed.stdout)\n\(killed.stderr)")
        let runs = try Self.folders(q, "runs")
        #expect(runs.count == 1)

        let apply = try q.run(CLIHarness.binary, Self.wait)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(try Self.folders(q, "runs") == runs, "no second attempt")
        let run = try #require(runs.first)
        #expect(run.hasSuffix("-1"), "attempt 1: \(run)")
        #expect(try Self.occurrences(of: "test accuracy", in: q.directory + "/.steward/local/runs/\(run)/log.txt") == 1)
        #expect(try Self.condition(q, "Pipeline/quickstart-training")["type"] as? String == "Ready")
        // The killed apply's reconcile is closed, not left running.
        let store = try SQLiteStateStore.open(path: q.directory + "/.steward/state.db")
        let reconciles = try await store.reconciles(limit: 100)
        #expect(reconciles.contains { $0.outcome == .interrupted }, "\(reconciles)")
        #expect(!reconciles.contains { $0.outcome == .running }, "\(reconciles)")
    }

    @Test("a batch prediction: the next apply finishes the job, predicted once", arguments: ["launching", "spawned"])
    func batchPrediction(moment: String) throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        #expect(try q.run(CLIHarness.binary, Self.wait).status == 0)
        try q.sh("python3 tools/make_batch.py .steward/local/storage/quickstart/collection/2026-01 --drift 1 --seed 1")
        let killed = try q.run(CLIHarness.binary, Self.wait, environment: ["STEWARD_CRASH_AT": "local-batch:\(moment)"])
        #expect(killed.status == SIGKILL, "\(killed.stdout)\n\(killed.stderr)")
        let jobs = try Self.folders(q, "batch")
        #expect(jobs.count == 1)

        let apply = try q.run(CLIHarness.binary, Self.wait)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(try Self.folders(q, "batch") == jobs, "one job for the batch")
        let job = try #require(jobs.first)
        #expect(try Self.occurrences(of: "instances,", in: q.directory + "/.steward/local/batch/\(job)/log.txt") == 1)
        let evaluation = try Self.condition(q, "Evaluation/quickstart-drift")
        #expect(evaluation["type"] as? String != "Stalled", "\(evaluation)")
        #expect(evaluation["reason"] as? String != "PredictionFailed", "\(evaluation)")
    }
}
