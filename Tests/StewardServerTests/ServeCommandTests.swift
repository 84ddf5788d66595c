import Foundation
import StewardFakes
import StewardRuntime
import StewardStore
import Testing

/// `steward serve` through the built binary, on the quickstart (local provider), on a real port.
@Suite(.serialized) struct ServeCommandTests {
    static func endpointServes(_ status: [String: Any]) -> Bool {
        status.resources.contains {
            $0["resource"] as? String == "Endpoint/quickstart-serving"
                && ($0["condition"] as? [String: Any])?["type"] as? String == "Ready"
        }
    }

    /// Gives the quickstart's Pipeline a `local.build` command (YAML scalar as written).
    static func localBuild(_ command: String, in directory: String) throws {
        let path = directory + "/manifests/quickstart.yaml"
        let manifests = try String(contentsOfFile: path, encoding: .utf8)
        try manifests.replacingOccurrences(of: "    command: python3 train.py",
                                           with: "    build: \(command)\n    command: python3 train.py")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Starts the service and waits until the image build has begun.
    static func startAndAwaitBuild(_ serve: ServeProcess) async throws {
        try await serve.start()
        #expect(try await serve.eventually(60) {
            try await journal(serve).contains { $0.operation == .buildImage && $0.phase == .begin }
        }, "\(serve.log)")
    }

    static func journal(_ serve: ServeProcess) async throws -> [JournalEntry] {
        try await SQLiteStateStore.open(path: serve.directory + "/.steward/state.db").recentJournal(limit: 10_000)
    }

    @Test("a commit announced by a signed webhook is planned and applied within seconds, visible in the status API and the metrics")
    func webhookCommit() async throws {
        let serve = try ServeProcess()
        try await serve.start()
        // The first reconciles take the quickstart from nothing to a served model.
        #expect(try await serve.eventually(120) { Self.endpointServes(try await serve.status()) }, "\(serve.log)")
        #expect(try await serve.get("/healthz").status == 200)
        #expect(try await serve.eventually(10) { try await serve.get("/readyz").status == 200 })

        let before = try PrometheusText.parse(try await serve.get("/metrics").body)
        let reconciled = before.value("steward_reconciles_total", ["result": "succeeded"]) ?? 0
        let copies = before.value("steward_actions_total", ["operation": "copy-modules", "outcome": "succeeded"]) ?? 0
        #expect(reconciled >= 1)
        #expect(copies == 1)

        try serve.sh("printf '\\n# Ties go to the nearer neighbour.\\n' >> training_pipeline/models/model.py")
        let commit = try serve.commit("Tune the model module")
        let sent = Date()
        let reply = try await serve.push(commit)
        #expect(reply.status == 202)
        #expect(reply.body.contains("reconciling \(commit.prefix(7))"))
        // Applied: the modules copied a second time, and every condition computed from the announced commit
        // (conditions are recorded when a reconcile ends), named in full.
        #expect(try await serve.eventually(20) {
            let status = try await serve.status()
            let copied = try await Self.journal(serve).filter { $0.operation == .copyModules && $0.phase == .end }
            return copied.count == 2 && status.resources.count == 6
                && status.resources.allSatisfy { $0["revision"] as? String == commit }
        }, "\(serve.log)")
        let seconds = Date().timeIntervalSince(sent)
        #expect(seconds < 20, "applied \(seconds) s after the delivery")

        var after: [PrometheusText.Sample] = []
        #expect(try await serve.eventually(5) {
            after = try PrometheusText.parse(try await serve.get("/metrics").body)
            return (after.value("steward_reconciles_total", ["result": "succeeded"]) ?? 0) > reconciled
        })
        #expect((after.value("steward_actions_total", ["operation": "copy-modules", "outcome": "succeeded"]) ?? 0) == copies + 1)
        #expect((after.value("steward_reconcile_duration_seconds_count") ?? 0) > 1)
        #expect(after.value("steward_last_success_timestamp_seconds").map { $0 > sent.timeIntervalSince1970 - 1 } == true)

        // A second writer on the same state is refused, naming the holder.
        let second = try serve.sh("'\(ServeProcess.binary)' serve --listen 127.0.0.1:0 2>&1; echo \"exit $?\"")
        #expect(second.contains("steward serve"), "\(second)")
        #expect(second.hasSuffix("exit 1"), "\(second)")

        let (code, stopSeconds) = try await serve.terminate()
        #expect(code == 0)
        #expect(stopSeconds < 30)

        // JSON logs: every line of a reconcile names it and its revision; the secret never appears.
        let lines = serve.log.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let reconcileLines = lines.filter { ($0["message"] as? String).map { $0.hasPrefix("action ") || $0.hasPrefix("reconcile ") } == true }
        #expect(reconcileLines.count > 5)
        #expect(reconcileLines.allSatisfy { $0["reconcile.id"] is String && ($0["git.revision"] as? String)?.count == 40 })
        #expect(reconcileLines.contains { $0["git.revision"] as? String == commit })
        #expect(!serve.log.contains(ServeProcess.secret))
    }

    @Test("SIGTERM during an apply: exit 0, the journal holds the action, and the next start neither repeats nor loses it")
    func sigtermDuringApply() async throws {
        // A slow image build: the apply is in the middle of it when SIGTERM arrives.
        let serve = try ServeProcess { try Self.localBuild("sleep 4", in: $0) }
        try await Self.startAndAwaitBuild(serve)
        let (code, seconds) = try await serve.terminate()
        #expect(code == 0, "\(serve.log)")
        #expect(seconds < 30)

        let stopped = try await Self.journal(serve).filter { $0.operation == .buildImage }
        // The build in flight was finished and journaled before the exit.
        #expect(stopped.filter { $0.phase == .begin }.count == 1)
        #expect(stopped.contains { $0.phase == .end && $0.outcome == "succeeded" }, "\(serve.log)")
        #expect(try await SQLiteStateStore.open(path: serve.directory + "/.steward/state.db").unfinishedActions().isEmpty)

        try await serve.start()
        #expect(try await serve.eventually(120) { Self.endpointServes(try await serve.status()) }, "\(serve.log)")
        let journal = try await Self.journal(serve)
        #expect(journal.filter { $0.operation == .buildImage && $0.phase == .begin }.count == 1, "the build ran again")
        #expect(journal.filter { $0.operation == .runPipeline && $0.phase == .begin }.count == 1)
        #expect(try await SQLiteStateStore.open(path: serve.directory + "/.steward/state.db").unfinishedActions().isEmpty)
        #expect(try await serve.terminate().status == 0)
    }

    @Test("an apply that cannot finish within 25 s is cancelled: exit 0 within 30 s, the action left open, taken up by the next start")
    func sigtermDuringLongApply() async throws {
        // The first build takes a minute; the one after the restart is quick.
        let serve = try ServeProcess { directory in
            try Data().write(to: URL(fileURLWithPath: directory + "/.slow-once"))
            try Self.localBuild("\"if [ -e '\(directory)/.slow-once' ]; then rm '\(directory)/.slow-once'; sleep 60; fi\"",
                                in: directory)
        }
        try await Self.startAndAwaitBuild(serve)
        let (code, seconds) = try await serve.terminate()
        #expect(code == 0, "\(serve.log)")
        #expect(seconds < 30)
        let open = try await SQLiteStateStore.open(path: serve.directory + "/.steward/state.db").unfinishedActions()
        #expect(open.map(\.operation) == [.buildImage])
        // The build's process group was stopped with it (SIGTERM is delivered at once; dying may take a moment under load).
        var left = try serve.sh("pgrep -f '^sleep 60$' || true")
        for _ in 0..<50 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            left = try serve.sh("pgrep -f '^sleep 60$' || true")
        }
        #expect(left.isEmpty)

        try await serve.start()
        #expect(try await serve.eventually(120) { Self.endpointServes(try await serve.status()) }, "\(serve.log)")
        let builds = try await Self.journal(serve).filter { $0.operation == .buildImage && $0.phase == .end }
        #expect(builds.map(\.outcome).sorted { ($0 ?? "") < ($1 ?? "") } == ["interrupted", "succeeded"])
        #expect(try await serve.terminate().status == 0)
    }

    @Test("the status page, loaded in headless Chromium, lists the resources and charts each evaluation against the threshold")
    func statusPage() async throws {
        let serve = try ServeProcess()
        try await serve.start(interval: "1s")
        #expect(try await serve.eventually(120) { Self.endpointServes(try await serve.status()) }, "\(serve.log)")
        let page = URL(string: "http://127.0.0.1:\(serve.port)/")!
        let selectors = ["table#resources-table tbody tr[data-resource]", "svg.accuracy-chart[data-evaluation]",
                         "svg.accuracy-chart line.threshold", "svg.accuracy-chart circle.point",
                         "svg.accuracy-chart .empty-note", "section#last-reconcile"]

        // Before the first evaluation the chart is drawn, empty, with its threshold line and a note.
        let before = try await Chromium.query(html: try await Chromium.dumpDOM(of: page), selectors: selectors)
        #expect(before["table#resources-table tbody tr[data-resource]"].count == 6)
        #expect(before["svg.accuracy-chart[data-evaluation]"].first?.attributes["data-evaluation"] == "quickstart-drift")
        #expect(before["svg.accuracy-chart line.threshold"].first?.attributes["data-threshold"].flatMap(Double.init) == 0.9)
        #expect(before["svg.accuracy-chart circle.point"].isEmpty)
        #expect(before["svg.accuracy-chart .empty-note"].count == 1)

        // Drifted data: the serving model fails on it (one point), the retrained model passes on the next (two).
        try serve.sh("python3 tools/make_batch.py .steward/local/storage/quickstart/collection/2026-01 --drift 1 --seed 1")
        #expect(try await serve.eventually(120) { (try await serve.status()["evaluations"] as? [Any])?.count == 1 }, "\(serve.log)")
        // The retrained model is deployed as a canary; the next batch judges it.
        #expect(try await serve.eventually(120) {
            try await serve.status().recentActions.contains {
                $0["operation"] as? String == "deploy-model" && ($0["detail"] as? String)?.contains("at 50%") == true
            }
        }, "\(serve.log)")
        try serve.sh("python3 tools/make_batch.py .steward/local/storage/quickstart/collection/2026-02 --drift 1 --seed 2")
        #expect(try await serve.eventually(120) { (try await serve.status()["evaluations"] as? [Any])?.count == 2 }, "\(serve.log)")

        let after = try await Chromium.query(html: try await Chromium.dumpDOM(of: page), selectors: selectors)
        let points = after["svg.accuracy-chart circle.point"]
        #expect(points.count == 2)
        #expect(points.map { $0.classes.contains("fail") } == [true, false])
        #expect(points.map { $0.attributes["data-batch"] ?? "" }.allSatisfy { $0.hasSuffix("2026-01/") || $0.hasSuffix("2026-02/") || $0.hasSuffix("2026-01") || $0.hasSuffix("2026-02") })
        #expect(after["svg.accuracy-chart .empty-note"].isEmpty)
        let revision = try serve.sh("git rev-parse HEAD")
        #expect(after["section#last-reconcile"].first?.attributes["data-revision"] == revision)
        #expect(try await serve.terminate().status == 0)
    }

    @Test("a resource whose action fails terminally is Stalled with the error's code, tried once, while the others go ahead")
    func brokenResourceStalls() async throws {
        let serve = try ServeProcess { directory in
            // A second Pipeline from a copy of the first's folder, whose modules go to a bucket that cannot be
            // written: in the local provider's storage a file stands where the bucket's folder would be.
            try FileManager.default.copyItem(atPath: directory + "/training_pipeline", toPath: directory + "/broken_pipeline")
            try "a copy\n".write(toFile: directory + "/broken_pipeline/COPY.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: directory + "/.steward/local/storage", withIntermediateDirectories: true)
            try "not a folder\n".write(toFile: directory + "/.steward/local/storage/broken", atomically: true, encoding: .utf8)
            let path = directory + "/manifests/quickstart.yaml"
            let manifests = try String(contentsOfFile: path, encoding: .utf8)
            let pipeline = try #require(manifests.components(separatedBy: "\n---\n").first { $0.contains("kind: Pipeline") })
            let broken = pipeline
                .replacingOccurrences(of: "name: quickstart-training", with: "name: broken-training")
                .replacingOccurrences(of: "training_pipeline", with: "broken_pipeline")
                .replacingOccurrences(of: "gs://quickstart/pipeline-root", with: "gs://quickstart/broken-root")
                .replacingOccurrences(of: "gs://quickstart/modules", with: "gs://broken/modules")
            try (manifests + "\n---\n" + broken + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try await serve.start()
        #expect(try await serve.eventually(120) { Self.endpointServes(try await serve.status()) }, "\(serve.log)")
        let status = try await serve.status()
        let broken = try #require(status.resources.first { $0["resource"] as? String == "Pipeline/broken-training" })
        let condition = broken["condition"] as? [String: Any]
        // A file where the bucket's folder should be does not go away by waiting: Stalled, not backing off.
        #expect(condition?["type"] as? String == "Stalled", "\(broken)")
        #expect(condition?["code"] as? String == "invalid", "\(broken)")
        #expect((condition?["message"] as? String)?.contains("steward retry Pipeline/broken-training") == true, "\(broken)")

        // Reconciles ran every 500 ms while the other Pipeline trained and rolled out; the broken copy was
        // tried once, not on each of them.
        let metrics = try PrometheusText.parse(try await serve.get("/metrics").body)
        #expect((metrics.value("steward_reconciles_total", ["result": "failed"]) ?? 0) == 1)
        #expect((metrics.value("steward_reconciles_total", ["result": "succeeded"]) ?? 0) >= 2)
        #expect(metrics.value("steward_actions_total", ["kind": "Pipeline", "operation": "copy-modules", "outcome": "stalled"]) == 1)
        let copies = try await Self.journal(serve).filter { $0.operation == .copyModules && $0.phase == .end }
        #expect(copies.filter { $0.resource.name == "broken-training" }.map(\.outcome) == ["stalled"])
        #expect(copies.filter { $0.resource.name == "quickstart-training" }.map(\.outcome) == ["succeeded"])
        #expect(try await serve.terminate().status == 0)
    }
}
