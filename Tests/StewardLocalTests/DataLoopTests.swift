import Foundation
import Logging
import StewardCore
import StewardGit
import StewardLocal
import StewardManifests
import StewardRuntime
import StewardStore
import Synchronization
import Testing

/// The data loop of `examples/quickstart/` on the local provider, through the real Reconciler, a real git
/// repository (libgit2) and a real SQLite state store: drifted data → batch prediction → a failed evaluation →
/// a new span → retraining → a release and a canary → a passing evaluation → promotion.
struct LoopWorkspace {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let folder: TemporaryFolder
    var repo: String { folder.path + "/repo" }
    var localRoot: String { folder.path + "/local" }
    var statePath: String { folder.path + "/state.db" }
    var storage: String { localRoot + "/storage/quickstart" }
    var collection: String { storage + "/collection" }
    var dataRoot: String { storage + "/data" }
    var endpointRecord: String { localRoot + "/endpoints/quickstart-serving.json" }

    /// A repository of the quickstart as it ships, with its local root moved into the test's folder.
    init() throws {
        folder = try TemporaryFolder()
        let quickstart = Self.packageRoot + "/examples/quickstart"
        try shell("mkdir -p '\(repo)' && cp -R '\(quickstart)/.' '\(repo)/' && rm -rf '\(repo)/.steward'")
        let manifest = repo + "/manifests/quickstart.yaml"
        let text = try readText(manifest)
        let rewritten = text.replacingOccurrences(of: "root: .steward/local", with: "root: '\(localRoot)'")
        guard rewritten != text else { throw NSError(domain: "quickstart", code: 1, userInfo: [NSLocalizedDescriptionKey: "no local.root to rewrite"]) }
        try rewritten.write(toFile: manifest, atomically: true, encoding: .utf8)
        try shell("cd '\(repo)' && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm quickstart")
    }

    func store(at path: String? = nil) throws -> SQLiteStateStore { try SQLiteStateStore.open(path: path ?? statePath) }

    var providers: Providers { LocalProvider.make(root: localRoot, logger: testLogger) }

    func reconciler() async throws -> Reconciler {
        let source = try await LibGit2Source.open(path: repo, logger: testLogger)
        return Reconciler(source: source, path: RepositoryPath(unchecked: "manifests"), decoder: ManifestDecoder(), logger: testLogger)
    }

    static let clock: @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }

    /// The plan at HEAD against what is observed now.
    func plan() async throws -> Plan {
        let reconciler = try await reconciler()
        let desired = try await reconciler.load(revision: "HEAD")
        return try await reconciler.plan(desired, providers: providers, now: Self.clock()).0
    }

    /// The reconcile engine over the local provider; failures back off for no time, so that a test sees retries at once.
    func engine(store path: String? = nil, providers: Providers? = nil,
                faults: (@Sendable (FaultPoint) throws -> Void)? = nil) async throws -> ReconcileEngine {
        let providers = providers ?? self.providers
        return ReconcileEngine(reconciler: try await reconciler(), store: try store(at: path), providers: { _ in providers },
                               backoff: BackoffPolicy(base: 0, cap: 0), clock: Self.clock, faults: faults)
    }

    /// One apply at HEAD, with an optional fault, another state store or other providers; nil when the fault fired.
    func apply(store path: String? = nil, providers: Providers? = nil,
               faults: (@Sendable (FaultPoint) throws -> Void)? = nil) async throws -> ReconcileReport? {
        let engine = try await engine(store: path, providers: providers, faults: faults)
        do {
            return try await engine.reconcile(ReconcileEngine.Pass(revision: "HEAD", id: "r-\(UUID().uuidString.prefix(8))"))
        } catch is InjectedFault {
            return nil
        }
    }

    /// Applies until nothing is due or in progress; returns every action taken, in order.
    @discardableResult
    func settle() async throws -> [ActionResult] {
        var results: [ActionResult] = []
        for _ in 0..<200 {
            let report = try await apply()
            results += report?.results ?? []
            if report?.after.changes.isEmpty == true { return results }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the loop did not settle")
        return results
    }

    /// Applies until the plan at HEAD satisfies `condition`; returns that plan, not applied.
    @discardableResult
    func advance(until condition: @escaping @Sendable (Plan) -> Bool) async throws -> Plan? {
        let seen = Mutex<Plan?>(nil)
        for _ in 0..<200 {
            // The review sees exactly the plan the engine is about to apply, so no change meeting the condition
            // slips through: a plan that meets it is declined and returned.
            let pass = ReconcileEngine.Pass(revision: "HEAD", id: "r-\(UUID().uuidString.prefix(8))", review: { review in
                guard condition(review.plan) else { return true }
                seen.withLock { $0 = review.plan }
                return false
            })
            _ = try await engine().reconcile(pass)
            if let plan = seen.withLock({ $0 }) { return plan }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the plan never reached the expected state")
        return nil
    }

    /// `tools/make_batch.py` into `collection/<name>/`.
    func makeBatch(_ name: String, count: Int = 60, drift: Double = 1, seed: Int) throws {
        try shell("python3 '\(repo)/tools/make_batch.py' '\(collection)/\(name)' --count \(count) --drift \(drift) --seed \(seed) >/dev/null")
    }

    func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    var runFolders: [String] { entries(localRoot + "/runs") }
    var batchJobFolders: [String] { entries(localRoot + "/batch") }
    var spanFolders: [String] { entries(dataRoot).filter { $0.hasPrefix("span-") } }

    func runs() async throws -> [ObservedRun] {
        try await LocalPipelineService(layout: LocalLayout(root: localRoot), logger: testLogger).observeRuns()
            .sorted { $0.createdAt < $1.createdAt }
    }

    /// The endpoint record as a JSON object.
    func endpoint() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: endpointRecord))) as? [String: Any])
    }

    func deployedModelIDs() throws -> [String] {
        (try endpoint()["deployedModels"] as? [[String: Any]] ?? []).compactMap { $0["modelID"] as? String }
    }

    func trafficSplit() throws -> [String: Int] {
        (try endpoint()["trafficSplit"] as? [String: Int]) ?? [:]
    }

    /// Every `evaluation.json` written beside predictions, by the batch it judged.
    func evaluationRecordFiles() throws -> [String: [String: Any]] {
        let root = storage + "/pipeline-root/evaluations"
        var out: [String: [String: Any]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix("/evaluation.json") else { continue }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))) as? [String: Any])
            let batch = try #require(object["batch"] as? String)
            #expect(out[batch] == nil, "one record per batch")
            out[batch] = object
        }
        return out
    }

    /// The sample file names of a batch folder.
    func batchSamples(_ name: String) -> Set<String> { Set(entries(collection + "/" + name).filter { $0.hasSuffix(".json") }) }

    /// The release folders of the quickstart's repository.
    var releaseFolders: [String] { entries(localRoot + "/releases/example/quickstart") }
}

extension [ActionResult] {
    func count(_ operation: StewardCore.Operation) -> Int { filter { $0.change.operation == operation }.count }
    /// How many actions took effect (not failed, skipped or deferred), per operation name.
    var effective: [String: Int] {
        var out: [String: Int] = [:]
        for result in self where [.succeeded, .adopted, .started].contains(result.outcome) {
            out[result.change.operation.rawValue, default: 0] += 1
        }
        return out
    }
}

/// A span's markers, as Steward writes them.
struct SpanMarkerFile: Decodable {
    var source: String
    var dataset: String
    var span: Int
}

/// Checks a finished span made from a batch: `_SUCCESS` written, the markers naming the batch, and every sample of
/// the batch in exactly one of `train/` and `test/`, nothing else.
func expectSpan(_ w: LoopWorkspace, _ number: Int, fromBatch batch: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let folder = w.dataRoot + "/span-\(number)"
    let success = folder + "/_SUCCESS"
    #expect(FileManager.default.fileExists(atPath: success), "span-\(number) is complete", sourceLocation: sourceLocation)
    let marker = try JSONDecoder().decode(SpanMarkerFile.self, from: Data(contentsOf: URL(fileURLWithPath: success)))
    #expect(marker.source == "gs://quickstart/collection/\(batch)", sourceLocation: sourceLocation)
    #expect(marker.span == number, sourceLocation: sourceLocation)
    #expect(marker.dataset == "points", sourceLocation: sourceLocation)
    let train = w.entries(folder + "/train"), test = w.entries(folder + "/test")
    let samples = w.batchSamples(batch)
    #expect(Set(train).isDisjoint(with: test), "no sample twice: \(Set(train).intersection(test).sorted())", sourceLocation: sourceLocation)
    #expect(Set(train).union(test) == samples, "no sample lost, none added", sourceLocation: sourceLocation)
    #expect(train.count + test.count == samples.count, sourceLocation: sourceLocation)
    // The dataset's 80/20 split, rounded.
    #expect(train.count == (samples.count * 80 * 2 + 100) / 200, sourceLocation: sourceLocation)
}

@Suite("The data loop of the quickstart on the local provider", .serialized)
struct DataLoopTests {
    /// The first training settled: span 1 from `data/`, one run, its model released and serving all traffic.
    static func trained() async throws -> (LoopWorkspace, ObservedRun) {
        let w = try LoopWorkspace()
        let results = try await w.settle()
        #expect(results.count(.prepareSpan) == 1)
        #expect(w.spanFolders == ["span-1"])
        let runs = try await w.runs()
        #expect(runs.count == 1)
        let first = try #require(runs.first)
        #expect(first.state == .succeeded)
        #expect(first.spans == [1])
        #expect(try w.deployedModelIDs() == [first.id])
        #expect(try w.trafficSplit() == ["d-\(first.id)": 100])
        #expect(w.releaseFolders.count == 1)
        return (w, first)
    }

    /// Trained, then a drifted batch `2026-9` settled into a retrained model serving as a 50% canary.
    static func canary() async throws -> (LoopWorkspace, first: ObservedRun, second: ObservedRun, results: [ActionResult]) {
        let (w, first) = try await trained()
        try w.makeBatch("2026-9", drift: 1, seed: 1)
        let results = try await w.settle()
        let runs = try await w.runs()
        #expect(runs.count == 2)
        let second = try #require(runs.last)
        return (w, first, second, results)
    }

    @Test("drifted data: one failed evaluation, one new span, one retraining, a release and a 50% canary; then promotion")
    func wholeLoop() async throws {
        let (w, first) = try await Self.trained()
        defer { w.folder.remove() }

        // Too few samples: nothing happens.
        try w.makeBatch("2026-8", count: 20, drift: 1, seed: 7)
        let small = try #require(try await w.apply())
        #expect(small.plan.changes.isEmpty)
        #expect(small.results.isEmpty)
        #expect(w.batchJobFolders.isEmpty)

        // A drifted batch of 60 samples.
        try w.makeBatch("2026-9", drift: 1, seed: 1)
        let results = try await w.settle()
        #expect(results.effective == ["batch-predict": 1, "evaluate": 1, "prepare-span": 1, "run-pipeline": 1,
                                      "upload-model": 1, "create-release": 1, "upload-asset": 1, "deploy-model": 1],
                "\(results.map { "\($0.change.id) \($0.outcome)" })")
        #expect(!results.contains { $0.outcome == .failed })
        #expect(w.batchJobFolders.count == 1)

        // The evaluation failed, well below the threshold: beside the predictions and in the store.
        let records = try w.evaluationRecordFiles()
        #expect(Array(records.keys) == ["gs://quickstart/collection/2026-9"])
        let record = try #require(records["gs://quickstart/collection/2026-9"])
        let accuracy = try #require(record["accuracy"] as? Double)
        #expect(accuracy < 0.6)
        #expect(record["passed"] as? Bool == false)
        #expect(record["samples"] as? Int == 60)
        #expect(record["model"] as? String == first.id)
        let stored = try await w.store().evaluations()
        #expect(stored.count == 1)
        #expect(stored.first?.accuracy == accuracy)
        #expect(stored.first?.passed == false)
        #expect(stored.first?.batch == "gs://quickstart/collection/2026-9")

        // Exactly one new span, span-2, from that batch.
        #expect(w.spanFolders == ["span-1", "span-2"])
        try expectSpan(w, 2, fromBatch: "2026-9")

        // Exactly one retraining, on spans 1–2.
        let runs = try await w.runs()
        #expect(runs.count == 2)
        let second = try #require(runs.last)
        #expect(second.spans == [1, 2])
        #expect(second.state == .succeeded)
        #expect(second.blessed == true)

        // A release of the new model with its saved_model.tar.gz: a gzip tar of the model files.
        #expect(w.releaseFolders.count == 2)
        let tag = try #require(w.releaseFolders.first { $0.hasPrefix("model-\(second.key.prefix(12))") })
        let asset = w.localRoot + "/releases/example/quickstart/\(tag)/assets/saved_model.tar.gz"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: asset)))
        #expect(bytes.prefix(2) == [0x1F, 0x8B], "gzip")
        let listed = try shell("tar -tzf '\(asset)'").split(separator: "\n").map(String.init).filter { !$0.hasSuffix("/") }
        let modelURI = try #require(second.modelURI)
        let modelDir = w.localRoot + "/storage/" + modelURI.dropFirst("gs://".count)
        let modelFiles = try FileManager.default.subpathsOfDirectory(atPath: modelDir).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: modelDir + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(!modelFiles.isEmpty)
        #expect(Set(listed) == Set(modelFiles.map { "saved_model/\($0)" }))
        let extracted = w.folder.path + "/extracted"
        try shell("mkdir -p '\(extracted)' && tar -xzf '\(asset)' -C '\(extracted)'")
        for file in modelFiles {
            #expect(FileManager.default.contentsEqual(atPath: extracted + "/saved_model/" + file, andPath: modelDir + "/" + file))
        }

        // The new model deployed as a 50% canary beside the first.
        #expect(try w.deployedModelIDs() == [first.id, second.id])
        #expect(try w.trafficSplit() == ["d-\(first.id)": 50, "d-\(second.id)": 50])

        // A second reconcile repeats nothing, also with the state store gone (a fresh one).
        let again = try #require(try await w.apply())
        #expect(again.results.isEmpty)
        #expect(again.plan.changes.isEmpty)
        let fresh = try #require(try await w.apply(store: w.folder.path + "/fresh.db"))
        #expect(fresh.results.isEmpty, "nothing observable is repeated: \(fresh.results.map(\.change.id))")
        #expect(w.spanFolders == ["span-1", "span-2"])
        #expect(try await w.runs().count == 2)

        // A second drifted batch: the retrained canary passes and is promoted; the old model is undeployed.
        try w.makeBatch("2026-10", drift: 1, seed: 2)
        let promotion = try await w.settle()
        #expect(promotion.effective == ["batch-predict": 1, "evaluate": 1, "set-traffic": 1, "undeploy-model": 1],
                "\(promotion.map { "\($0.change.id) \($0.outcome)" })")
        let after = try w.evaluationRecordFiles()
        let passed = try #require(after["gs://quickstart/collection/2026-10"])
        #expect(passed["passed"] as? Bool == true)
        #expect(passed["model"] as? String == second.id)
        #expect(try #require(passed["accuracy"] as? Double) >= 0.9)
        #expect(try w.deployedModelIDs() == [second.id])
        #expect(try w.trafficSplit() == ["d-\(second.id)": 100])
        #expect(w.spanFolders == ["span-1", "span-2"], "a passed evaluation makes no span")
        #expect(try await w.runs().count == 2)

        // `status` from the store: both evaluations, oldest first, in the documented JSON.
        let status = try await StatusReport.load(from: w.store())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.json().utf8)) as? [String: Any])
        let evaluations = try #require(json["evaluations"] as? [[String: Any]])
        #expect(evaluations.map { $0["batch"] as? String } == ["gs://quickstart/collection/2026-9", "gs://quickstart/collection/2026-10"])
        #expect(evaluations.map { $0["passed"] as? Bool } == [false, true])
        #expect(evaluations.map { $0["model"] as? String } == [first.id, second.id])
        #expect(evaluations.allSatisfy { $0["evaluation"] as? String == "quickstart-drift" && $0["threshold"] as? Double == 0.9 })
        #expect(evaluations.first?["accuracy"] as? Double == accuracy)
        let resources = try #require(json["resources"] as? [[String: Any]])
        let endpoint = resources.first { $0["resource"] as? String == "Endpoint/quickstart-serving" }
        #expect((endpoint?["condition"] as? [String: Any])?["type"] as? String == "Ready")

        // Settled: nothing more, also after the store file is really deleted.
        try FileManager.default.removeItem(atPath: w.statePath)
        let last = try #require(try await w.apply())
        #expect(last.results.isEmpty, "\(last.results.map(\.change.id))")
    }

    @Test("traffic changed by hand on the endpoint record is set back to the declared split")
    func handChangedTraffic() async throws {
        let (w, first, second, _) = try await Self.canary()
        defer { w.folder.remove() }
        #expect(try w.trafficSplit() == ["d-\(first.id)": 50, "d-\(second.id)": 50])

        var record = try w.endpoint()
        record["trafficSplit"] = ["d-\(first.id)": 100, "d-\(second.id)": 0]
        try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: w.endpointRecord))
        #expect(try w.trafficSplit() == ["d-\(first.id)": 100, "d-\(second.id)": 0])

        let report = try #require(try await w.apply())
        #expect(report.plan.changes.map(\.operation) == [.setTraffic])
        #expect(report.results.map(\.outcome) == [.succeeded])
        #expect(try w.trafficSplit() == ["d-\(first.id)": 50, "d-\(second.id)": 50])
        #expect(try w.deployedModelIDs() == [first.id, second.id])
        #expect(try #require(try await w.apply()).results.isEmpty)
    }

    /// Where a crash is injected: at both sides of the side effect of preparing the span, deploying the canary and
    /// promoting it.
    enum Crash: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case spanBeforeEffect, spanAfterEffect, deployBeforeEffect, deployAfterEffect, trafficBeforeEffect, trafficAfterEffect

        var operation: StewardCore.Operation {
            switch self {
            case .spanBeforeEffect, .spanAfterEffect: .prepareSpan
            case .deployBeforeEffect, .deployAfterEffect: .deployModel
            case .trafficBeforeEffect, .trafficAfterEffect: .setTraffic
            }
        }

        var afterEffect: Bool { [.spanAfterEffect, .deployAfterEffect, .trafficAfterEffect].contains(self) }
        var testDescription: String { rawValue }

        func fault(_ point: FaultPoint) throws {
            switch point {
            case .afterBegin(let id) where !afterEffect && id.hasPrefix(operation.rawValue + "/"),
                 .afterEffect(let id) where afterEffect && id.hasPrefix(operation.rawValue + "/"):
                throw InjectedFault(point)
            default: break
            }
        }
    }

    @Test("a crash at either side of a side effect: the next reconcile finishes the work, duplicating nothing",
          arguments: Crash.allCases)
    func crash(_ crash: Crash) async throws {
        let (w, first) = try await Self.trained()
        defer { w.folder.remove() }
        try w.makeBatch("2026-9", drift: 1, seed: 1)
        if crash.operation == .setTraffic {
            try await w.settle()
            try w.makeBatch("2026-10", drift: 1, seed: 2)
        }
        try await w.advance { plan in plan.changes.contains { $0.operation == crash.operation && $0.action.isChange } }
        let crashed = try await w.apply(faults: { try crash.fault($0) })
        #expect(crashed == nil, "the fault fired")
        let open = try await w.store().unfinishedActions()
        #expect(open.contains { $0.operation == crash.operation }, "the journal's entry is left open")

        // What the crash left behind.
        let runs = try await w.runs()
        switch crash {
        case .spanBeforeEffect:
            #expect(w.spanFolders == ["span-1"], "nothing written")
        case .spanAfterEffect:
            #expect(FileManager.default.fileExists(atPath: w.dataRoot + "/span-2/_SUCCESS"))
        case .deployBeforeEffect:
            #expect(try w.deployedModelIDs() == [first.id])
        case .deployAfterEffect:
            #expect(try w.deployedModelIDs() == [first.id, runs.last!.id])
        case .trafficBeforeEffect:
            #expect(try w.trafficSplit() == ["d-\(first.id)": 50, "d-\(runs.last!.id)": 50])
        case .trafficAfterEffect:
            #expect(try w.trafficSplit() == ["d-\(first.id)": 0, "d-\(runs.last!.id)": 100])
            #expect(try w.deployedModelIDs() == [first.id, runs.last!.id], "not undeployed yet")
        }

        let finished = try await w.settle()
        #expect(try await w.store().unfinishedActions().isEmpty)
        // The interrupted operation ran again only when its effect had not happened.
        #expect(finished.effective[crash.operation.rawValue, default: 0] == (crash.afterEffect ? 0 : 1),
                "\(finished.map { "\($0.change.id) \($0.outcome)" })")
        #expect(!finished.contains { $0.outcome == .failed })

        // Exactly one span-2, complete, holding every sample of the batch once; exactly one retraining.
        #expect(w.spanFolders == ["span-1", "span-2"])
        try expectSpan(w, 2, fromBatch: "2026-9")
        let after = try await w.runs()
        #expect(after.map(\.spans) == [[1], [1, 2]])
        let second = try #require(after.last)
        #expect(w.batchJobFolders.count == (crash.operation == .setTraffic ? 2 : 1))
        #expect(w.releaseFolders.count == 2)
        if crash.operation == .setTraffic {
            #expect(try w.deployedModelIDs() == [second.id])
            #expect(try w.trafficSplit() == ["d-\(second.id)": 100])
        } else {
            #expect(try w.deployedModelIDs() == [first.id, second.id], "one deployed copy of each model")
            #expect(try w.trafficSplit() == ["d-\(first.id)": 50, "d-\(second.id)": 50])
        }
        #expect(try #require(try await w.apply()).results.isEmpty)
    }

    @Test("a crash in the middle of writing the span: the half span is never trained on and is rewritten whole",
          arguments: [25, 60])
    func crashMidSpan(writesBeforeCrash: Int) async throws {
        let (w, _) = try await Self.trained()
        defer { w.folder.remove() }
        try w.makeBatch("2026-9", drift: 1, seed: 1)
        try await w.advance { plan in plan.changes.contains { $0.operation == .prepareSpan } }

        var providers = w.providers
        providers.objects = CrashingObjectStore(base: providers.objects, bucket: "quickstart", prefix: "data/span-2/",
                                                allowedWrites: writesBeforeCrash)
        #expect(try await w.apply(providers: providers) == nil, "the crash happened")
        // Half a span: the in-progress marker, some data, no _SUCCESS.
        let folder = w.dataRoot + "/span-2"
        #expect(FileManager.default.fileExists(atPath: folder + "/_STEWARD_IN_PROGRESS"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/_SUCCESS"))
        #expect(w.entries(folder + "/train").count + w.entries(folder + "/test").count == writesBeforeCrash)

        // It is not counted as complete: no run is planned on it, the run on span 1 stays current.
        let plan = try await w.plan()
        #expect(plan.changes.filter { $0.operation == .runPipeline }.isEmpty)
        let spans = plan.changes.compactMap { change -> PrepareSpan? in
            if case .prepareSpan(let span) = change.detail { span } else { nil }
        }
        #expect(spans.map(\.span) == [2], "resumed under its number")

        // Late samples arrive in the batch meanwhile; they go into the span too. These three rank after every other
        // sample in the split's hash order (SHA-256 of the name), so they go to test/ and move the two samples
        // ranked 49 and 50 from test/ to train/: a rewrite must not leave their copies in test/.
        let late = try shell("""
            python3 -c '
            import hashlib, os, sys
            folder, prefix = sys.argv[1], "gs://quickstart/collection/2026-9/"
            rank = lambda name: hashlib.sha256((prefix + name).encode()).hexdigest()
            last = max(rank(name) for name in os.listdir(folder))
            names, n = [], 1000
            while len(names) < 3:
                names += [f"{label}_{n}.json" for label in ("red", "green", "blue") if rank(f"{label}_{n}.json") > last][:3 - len(names)]
                n += 1
            print("\\n".join(names))' '\(w.collection)/2026-9'
            """).split(separator: "\n").map(String.init)
        #expect(late.count == 3)
        for name in late {
            try #"{"x": 8.1, "y": -5.9}"#.write(toFile: w.collection + "/2026-9/" + name, atomically: true, encoding: .utf8)
        }
        let finished = try await w.settle()
        #expect(finished.effective["prepare-span"] == 1)
        #expect(w.spanFolders == ["span-1", "span-2"])
        try expectSpan(w, 2, fromBatch: "2026-9")
        let runs = try await w.runs()
        #expect(runs.map(\.spans) == [[1], [1, 2]], "span 2 was trained on only once complete")
    }
}

/// Counts writes under a prefix and throws an injected fault (a crash) once `allowedWrites` of them went through;
/// the in-progress marker is not counted.
struct CrashingObjectStore: ObjectStore {
    let base: any ObjectStore
    let bucket: String
    let prefix: String
    let allowedWrites: Int
    let counter = WriteCounter()

    final class WriteCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
    }

    private func check(_ uri: StorageURI) throws {
        guard uri.bucket == bucket, uri.path.hasPrefix(prefix), !uri.path.hasSuffix("/_STEWARD_IN_PROGRESS") else { return }
        if counter.next() > allowedWrites { throw InjectedFault(.afterBegin(changeID: "write \(uri)")) }
    }

    func list(_ location: StorageURI, delimiter: String?) async throws -> ObjectListing {
        try await base.list(location, delimiter: delimiter)
    }
    func read(_ uri: StorageURI) async throws -> [UInt8] { try await base.read(uri) }
    func create(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws -> Bool {
        try check(uri)
        return try await base.create(uri, bytes: bytes, contentType: contentType)
    }
    func write(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws {
        try check(uri)
        try await base.write(uri, bytes: bytes, contentType: contentType)
    }
    func delete(_ uri: StorageURI) async throws { try await base.delete(uri) }
    func exists(_ uri: StorageURI) async throws -> Bool { try await base.exists(uri) }
}
