import Foundation
import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardRuntime
import Testing

/// The data loop of `examples/quickstart/` on the gcp provider (`StewardLocalTests/DataLoopTests` on `local`):
/// drifted data → a Vertex batch prediction → a failed evaluation → a new span in Cloud Storage → a retraining
/// pipeline job → a model upload, a GitHub release and a canary deployment → a passing evaluation → promotion.
@Suite("The data loop of the quickstart on the gcp provider", .serialized, .timeLimit(.minutes(3)))
struct GoogleCloudDataLoopTests {
    /// The first training settled: span 1 from `data/`, one run, its model released and serving all traffic.
    static func trained(_ loop: GoogleCloudLoop) async throws -> ObservedRun {
        let results = try await loop.settle()
        #expect(results.count(.prepareSpan) == 1)
        #expect(try await loop.spanFolders() == ["span-1"])
        let runs = try await loop.runs()
        #expect(runs.count == 1)
        let first = try #require(runs.first)
        #expect(first.state == .succeeded)
        #expect(first.blessed == true)
        #expect(first.spans == [1])
        let model = try await loop.modelID(of: first)
        #expect(try await loop.deployedModelIDs() == [model])
        #expect(try await loop.traffic() == [model: 100])
        #expect(await loop.releases().count == 1)
        #expect(await loop.vertex.batchJobCount() == 0)
        return first
    }

    @Test("drifted data: one failed evaluation, one new span, one retraining, a release and a canary; then promotion")
    func wholeLoop() async throws {
        try await GoogleCloudLoop.with { loop in
            let first = try await Self.trained(loop)
            let firstModel = try await loop.modelID(of: first)

            // Too few samples: nothing happens.
            try await loop.makeBatch("2026-8", count: 20, drift: 1, seed: 7)
            let small = try #require(try await loop.apply())
            #expect(small.plan.changes.isEmpty, "\(small.plan.changes.map(\.id))")
            #expect(small.results.isEmpty)
            #expect(await loop.vertex.batchJobCount() == 0)

            // A drifted batch of 60 samples.
            try await loop.makeBatch("2026-9", drift: 1, seed: 1)
            let results = try await loop.settle()
            #expect(results.effective == ["batch-predict": 1, "evaluate": 1, "prepare-span": 1, "run-pipeline": 1,
                                          "upload-model": 1, "create-release": 1, "upload-asset": 1, "deploy-model": 1],
                    "\(results.map { "\($0.change.id) \($0.outcome)" })")
            #expect(!results.contains { $0.outcome == .failed })
            #expect(await loop.vertex.batchJobCount() == 1)
            let batchJobs = await loop.vertex.requests("POST", pathSuffix: "/batchPredictionJobs")
            #expect(batchJobs.map(\.status) == [200])
            #expect(batchJobs.first?.json?["model"]?.stringValue?.hasSuffix("/models/\(firstModel)") == true)

            // The evaluation failed, well below the threshold: beside the predictions and in the store.
            let records = try await loop.evaluationRecordFiles()
            #expect(Array(records.keys) == ["gs://quickstart/collection/2026-9"])
            let record = try #require(records["gs://quickstart/collection/2026-9"])
            let accuracy = try #require(record["accuracy"] as? Double)
            #expect(accuracy < 0.6)
            #expect(record["passed"] as? Bool == false)
            #expect(record["samples"] as? Int == 60)
            #expect(record["model"] as? String == firstModel)
            let stored = try await loop.store().evaluations()
            #expect(stored.count == 1)
            #expect(stored.first?.accuracy == accuracy)
            #expect(stored.first?.passed == false)

            // Exactly one new span, span-2, from that batch; exactly one retraining, on spans 1–2.
            #expect(try await loop.spanFolders() == ["span-1", "span-2"])
            try await expectSpan(loop, 2, fromBatch: "2026-9")
            let runs = try await loop.runs()
            #expect(runs.count == 2)
            #expect(await loop.vertex.pipelineJobCount() == 2)
            let second = try #require(runs.last)
            #expect(second.spans == [1, 2])
            #expect(second.state == .succeeded)
            #expect(second.blessed == true)
            let secondModel = try await loop.modelID(of: second)

            // A release of the new model whose saved_model.tar.gz holds the model folder in Cloud Storage.
            let releases = await loop.releases()
            #expect(releases.count == 2)
            let release = try #require(releases.first { $0.tagName.hasPrefix("model-\(second.key.prefix(12))") })
            let asset = try #require(release.assets.first { $0.name == "saved_model.tar.gz" })
            #expect(asset.bytes.prefix(2) == [0x1F, 0x8B], "gzip")
            let modelFolder = try GoogleCloudLoop.uri(try #require(second.modelURI))
            let modelFiles = try await loop.objects.list(modelFolder, delimiter: nil).objects
                .map { String($0.uri.path.dropFirst(modelFolder.prefix.count)) }
            #expect(!modelFiles.isEmpty)
            let archive = loop.folder + "/saved_model.tar.gz"
            try await loop.save(asset.bytes, to: archive)
            let listed = try await loop.sh("tar -tzf '\(archive)'").split(separator: "\n").map(String.init).filter { !$0.hasSuffix("/") }
            #expect(Set(listed) == Set(modelFiles.map { "saved_model/\($0)" }))

            // The new model deployed as a 50% canary beside the first.
            #expect(try await loop.deployedModelIDs() == [firstModel, secondModel])
            #expect(try await loop.traffic() == [firstModel: 50, secondModel: 50])

            // A second reconcile repeats nothing, also with the state store gone (a fresh one).
            let again = try #require(try await loop.apply())
            #expect(again.results.isEmpty)
            #expect(again.plan.changes.isEmpty, "\(again.plan.changes.map(\.id))")
            let fresh = try #require(try await loop.apply(store: loop.folder + "/fresh.db"))
            #expect(fresh.results.isEmpty, "nothing observable is repeated: \(fresh.results.map(\.change.id))")
            #expect(try await loop.spanFolders() == ["span-1", "span-2"])
            #expect(await loop.vertex.pipelineJobCount() == 2)
            #expect(await loop.vertex.batchJobCount() == 1)
            #expect(await loop.releases().count == 2)

            // A second drifted batch: the retrained canary passes and is promoted; the old model is undeployed.
            try await loop.makeBatch("2026-10", drift: 1, seed: 2)
            let promotion = try await loop.settle()
            #expect(promotion.effective == ["batch-predict": 1, "evaluate": 1, "set-traffic": 1, "undeploy-model": 1],
                    "\(promotion.map { "\($0.change.id) \($0.outcome)" })")
            let after = try await loop.evaluationRecordFiles()
            let passed = try #require(after["gs://quickstart/collection/2026-10"])
            #expect(passed["passed"] as? Bool == true)
            #expect(passed["model"] as? String == secondModel)
            #expect(try #require(passed["accuracy"] as? Double) >= 0.9)
            #expect(try await loop.deployedModelIDs() == [secondModel])
            #expect(try await loop.traffic() == [secondModel: 100])
            #expect(try await loop.spanFolders() == ["span-1", "span-2"], "a passed evaluation makes no span")
            #expect(await loop.vertex.pipelineJobCount() == 2)
            #expect(await loop.vertex.batchJobCount() == 2)

            // Settled: nothing more, also after the store file is really deleted.
            try FileManager.default.removeItem(atPath: loop.statePath)
            let last = try #require(try await loop.apply())
            #expect(last.results.isEmpty, "\(last.results.map(\.change.id))")
            #expect(try await loop.store().evaluations().map(\.passed) == [false, true], "the history is rebuilt from Cloud Storage")
        }
    }

    @Test("traffic changed by hand on the Vertex endpoint is set back to the declared split")
    func handChangedTraffic() async throws {
        try await GoogleCloudLoop.with { loop in
            let first = try await Self.trained(loop)
            try await loop.makeBatch("2026-9", drift: 1, seed: 1)
            try await loop.settle()
            let runs = try await loop.runs()
            #expect(runs.count == 2)
            let firstModel = try await loop.modelID(of: first)
            let secondModel = try await loop.modelID(of: try #require(runs.last))
            #expect(try await loop.traffic() == [firstModel: 50, secondModel: 50])

            try await loop.setTrafficByHand([firstModel: 100, secondModel: 0])
            #expect(try await loop.traffic() == [firstModel: 100, secondModel: 0])

            let report = try #require(try await loop.apply())
            #expect(report.plan.changes.map(\.operation) == [.setTraffic])
            #expect(report.results.map(\.outcome) == [.succeeded])
            #expect(try await loop.traffic() == [firstModel: 50, secondModel: 50])
            #expect(try await loop.deployedModelIDs() == [firstModel, secondModel])
            #expect(try #require(try await loop.apply()).results.isEmpty)
        }
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

    @Test("checks on Cloud Build: a crash at either side of starting one neither loses nor repeats it", arguments: [false, true])
    func crashDuringCheck(afterEffect: Bool) async throws {
        try await GoogleCloudLoop.with { loop in
            // Until the first check is due with its image built and its modules copied.
            try await loop.advance { plan in
                plan.changes.contains { $0.operation == .runCheck && $0.action == .start && $0.dependsOn.isEmpty }
            }
            let crashed = try await loop.apply(faults: { point in
                switch point {
                case .afterBegin(let id) where !afterEffect && id.hasPrefix("run-check/"),
                     .afterEffect(let id) where afterEffect && id.hasPrefix("run-check/"):
                    throw InjectedFault(point)
                default: break
                }
            })
            #expect(crashed == nil, "the fault fired")
            #expect(await loop.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag) == (afterEffect ? 1 : 0))
            #expect(try await loop.store().unfinishedActions().contains { $0.operation == .runCheck }, "the journal's entry is left open")
            try await loop.settle()
            // One build per check, each passed, and the run trained on the spec the compile check produced.
            #expect(await loop.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag) == 2)
            let checks = try await loop.providers.checks.observeChecks()
            #expect(checks.map(\.name).sorted() == ["compile", "unit-tests"])
            #expect(checks.allSatisfy { $0.state == .succeeded && $0.attempt == 1 }, "\(checks)")
            let compiled = try #require(checks.first { $0.name == "compile" }?.template)
            #expect(compiled.description.hasPrefix("gs://\(GoogleCloudLoop.stewardBucket)/steward/templates/"))
            #expect(await loop.vertex.pipelineJobCount() == 1)

            // Every check build's body is one the discovery fragment allows, run in the Pipeline's image.
            let bodies = await loop.cloudBuild.requests("POST", pathSuffix: "/builds").compactMap(\.json)
                .filter { $0["tags"]?.arrayValue?.contains(.string(CloudBuildCheckService.checkTag)) == true }
            #expect(bodies.count == 2)
            let schema = try DiscoverySchema(fixture: "cloudbuild.v1.fragment.json")
            for body in bodies {
                #expect(schema.violations(ofBody: body, method: "cloudbuild.projects.locations.builds.create").isEmpty)
                let step = try #require(body["steps"]?.arrayValue?.first)
                #expect(step["entrypoint"] == .string("/bin/sh"))
                #expect(step["name"]?.stringValue?.hasPrefix("gcr.io/\(GoogleCloudLoop.project)/quickstart-training:") == true)
                #expect(body["logsBucket"] == .string("gs://\(GoogleCloudLoop.stewardBucket)"))
            }
        }
    }

    @Test("a check that fails on Cloud Build stalls the Pipeline with the log's tail, and no run starts")
    func failingCheckOnCloudBuild() async throws {
        try await GoogleCloudLoop.with { loop in
            try await loop.sh(#"cd '\#(loop.repo)' && printf '\n\ndef predict(model, point):\n    return model["classes"][0], 1.0\n' >> training_pipeline/models/model.py && git -c user.name=t -c user.email=t@t commit -qam break"#)
            try await loop.settle()
            let conditions = try await loop.store().conditions()
            let pipeline = try #require(conditions.first { $0.resource.kind == .pipeline })
            #expect(pipeline.condition.type == .stalled)
            #expect(pipeline.condition.reason == "CheckFailed")
            #expect(pipeline.condition.message.contains("AssertionError"), "\(pipeline.condition.message)")
            #expect(await loop.vertex.pipelineJobCount() == 0)
            let builds = await loop.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag)
            try await loop.settle()
            #expect(await loop.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag) == builds, "not rerun for its key")
        }
    }

    @Test("a 503 to pipelineJobs.create fails the action transiently; the next reconcile starts the run, once")
    func unavailableThenConverges() async throws {
        try await GoogleCloudLoop.with { loop in
            try await loop.advance { plan in plan.changes.contains { $0.operation == .runPipeline && $0.action.isChange } }
            await loop.vertex.deny(FakeDenial(method: "POST", pathSuffix: "/pipelineJobs", http: 503, status: "UNAVAILABLE",
                                              message: "The service is currently unavailable."))
            // The build it waits on finishes first; then the create is sent and refused.
            var refused: ActionResult?
            for _ in 0..<20 where refused == nil {
                refused = try #require(try await loop.apply()).results
                    .first { $0.change.operation == .runPipeline && $0.outcome != .deferred }
            }
            let attempt = try #require(refused)
            #expect(attempt.outcome == .failed, "\(String(describing: attempt.error))")
            #expect(attempt.error?.code == "unavailable")
            #expect(attempt.error?.isTerminal == false)
            let conditions = try await loop.store().conditions()
            let pipeline = try #require(conditions.first { $0.resource.kind == .pipeline })
            #expect(pipeline.condition.type != .stalled, "\(pipeline.condition)")
            #expect(await loop.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 1)

            await loop.vertex.allowAll()
            let retried = try #require(try await loop.apply())
            #expect(retried.results.contains { $0.change.operation == .runPipeline && $0.outcome == .started },
                    "\(retried.results.map { "\($0.change.id) \($0.outcome)" })")
            #expect(await loop.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 2)
            try await loop.settle()
            #expect(await loop.vertex.pipelineJobCount() == 1)
            let settled = try await loop.store().conditions().first { $0.resource.kind == .pipeline }
            #expect(settled?.condition.type == .ready, "\(String(describing: settled))")
        }
    }

    @Test("a crash at either side of a side effect: the next reconcile finishes the work, duplicating nothing",
          arguments: Crash.allCases)
    func crash(_ crash: Crash) async throws {
        try await GoogleCloudLoop.with { loop in
            let first = try await Self.trained(loop)
            let firstModel = try await loop.modelID(of: first)
            try await loop.makeBatch("2026-9", drift: 1, seed: 1)
            if crash.operation == .setTraffic {
                try await loop.settle()
                try await loop.makeBatch("2026-10", drift: 1, seed: 2)
            }
            try await loop.advance { plan in plan.changes.contains { $0.operation == crash.operation && $0.action.isChange } }
            let crashed = try await loop.apply(faults: { try crash.fault($0) })
            #expect(crashed == nil, "the fault fired")
            let open = try await loop.store().unfinishedActions()
            #expect(open.contains { $0.operation == crash.operation }, "the journal's entry is left open")

            // What the crash left behind.
            switch crash {
            case .spanBeforeEffect:
                #expect(try await loop.spanFolders() == ["span-1"], "nothing written")
            case .spanAfterEffect:
                #expect(try await loop.spanObjects(2, "").contains("_SUCCESS"))
            case .deployBeforeEffect:
                #expect(try await loop.deployedModelIDs() == [firstModel])
            case .deployAfterEffect:
                let newest = try await loop.modelID(of: try #require(try await loop.runs().last))
                #expect(try await loop.deployedModelIDs() == [firstModel, newest])
            case .trafficBeforeEffect:
                let newest = try await loop.modelID(of: try #require(try await loop.runs().last))
                #expect(try await loop.traffic() == [firstModel: 50, newest: 50])
            case .trafficAfterEffect:
                let newest = try await loop.modelID(of: try #require(try await loop.runs().last))
                #expect(try await loop.traffic() == [firstModel: 0, newest: 100])
                #expect(try await loop.deployedModelIDs() == [firstModel, newest], "not undeployed yet")
            }

            let finished = try await loop.settle()
            #expect(try await loop.store().unfinishedActions().isEmpty)
            // The interrupted operation ran again only when its effect had not happened.
            #expect(finished.effective[crash.operation.rawValue, default: 0] == (crash.afterEffect ? 0 : 1),
                    "\(finished.map { "\($0.change.id) \($0.outcome)" })")
            #expect(!finished.contains { $0.outcome == .failed })

            // Exactly one span-2, complete, holding every sample of the batch once; exactly one retraining.
            #expect(try await loop.spanFolders() == ["span-1", "span-2"])
            try await expectSpan(loop, 2, fromBatch: "2026-9")
            let runs = try await loop.runs()
            #expect(runs.map(\.spans) == [[1], [1, 2]])
            #expect(await loop.vertex.pipelineJobCount() == 2)
            let secondModel = try await loop.modelID(of: try #require(runs.last))
            #expect(await loop.vertex.batchJobCount() == (crash.operation == .setTraffic ? 2 : 1))
            #expect(await loop.releases().count == 2)
            #expect(await loop.vertex.modelCount() == 2)
            if crash.operation == .setTraffic {
                #expect(try await loop.deployedModelIDs() == [secondModel])
                #expect(try await loop.traffic() == [secondModel: 100])
            } else {
                #expect(try await loop.deployedModelIDs() == [firstModel, secondModel], "one deployed copy of each model")
                #expect(try await loop.traffic() == [firstModel: 50, secondModel: 50])
            }
            #expect(try #require(try await loop.apply()).results.isEmpty)
        }
    }

    @Test("a crash in the middle of writing the span to Cloud Storage: the half span is never trained on and is rewritten whole")
    func crashMidSpan() async throws {
        try await GoogleCloudLoop.with { loop in
            _ = try await Self.trained(loop)
            try await loop.makeBatch("2026-9", drift: 1, seed: 1)
            try await loop.advance { plan in plan.changes.contains { $0.operation == .prepareSpan } }

            var providers = loop.providers
            providers.objects = FailingObjectStore(base: providers.objects, prefix: StorageURI(bucket: "quickstart", path: "data/span-2"),
                                                   allowedWrites: 25)
            #expect(try await loop.apply(providers: providers) == nil, "the crash happened")
            // Half a span: the in-progress marker, some data, no _SUCCESS.
            let top = try await loop.spanObjects(2, "")
            #expect(top.contains("_STEWARD_IN_PROGRESS"))
            #expect(!top.contains("_SUCCESS"))
            let written = try await loop.spanObjects(2, "train").count + loop.spanObjects(2, "test").count
            #expect(written == 25)

            // It is not counted as complete: no run is planned on it, and it is resumed under its number.
            let plan = try await loop.plan()
            #expect(plan.changes.filter { $0.operation == .runPipeline }.isEmpty)
            let spans = plan.changes.compactMap { change -> PrepareSpan? in
                if case .prepareSpan(let span) = change.detail { span } else { nil }
            }
            #expect(spans.map(\.span) == [2])

            let finished = try await loop.settle()
            #expect(finished.effective["prepare-span"] == 1)
            #expect(!finished.contains { $0.outcome == .failed })
            #expect(try await loop.spanFolders() == ["span-1", "span-2"])
            try await expectSpan(loop, 2, fromBatch: "2026-9")
            #expect(try await loop.runs().map(\.spans) == [[1], [1, 2]], "span 2 was trained on only once complete")
        }
    }
}

/// A span's markers, as Steward writes them.
private struct SpanMarker: Decodable {
    var source: String
    var dataset: String
    var span: Int
}

/// Checks a finished span made from a batch in Cloud Storage: `_SUCCESS` written, the markers naming the batch,
/// and every sample of the batch in exactly one of `train/` and `test/`, nothing else.
private func expectSpan(_ loop: GoogleCloudLoop, _ number: Int, fromBatch batch: String,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let top = try await loop.spanObjects(number, "")
    #expect(top.contains("_SUCCESS"), "span-\(number) is complete", sourceLocation: sourceLocation)
    let success = GoogleCloudLoop.dataRoot.appending("span-\(number)/_SUCCESS")
    let marker = try JSONDecoder().decode(SpanMarker.self, from: Data(try await loop.objects.read(success)))
    #expect(marker.source == "gs://quickstart/collection/\(batch)", sourceLocation: sourceLocation)
    #expect(marker.span == number, sourceLocation: sourceLocation)
    #expect(marker.dataset == "points", sourceLocation: sourceLocation)
    let train = try await loop.spanObjects(number, "train"), test = try await loop.spanObjects(number, "test")
    let samples = try await loop.batchSamples(batch)
    #expect(Set(train).isDisjoint(with: test), "no sample twice: \(Set(train).intersection(test).sorted())", sourceLocation: sourceLocation)
    #expect(Set(train).union(test) == samples, "no sample lost, none added", sourceLocation: sourceLocation)
    #expect(train.count + test.count == samples.count, sourceLocation: sourceLocation)
    // The dataset's 80/20 split, rounded.
    #expect(train.count == (samples.count * 80 * 2 + 100) / 200, sourceLocation: sourceLocation)
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

/// Lets `allowedWrites` writes under a prefix through, then throws an injected fault (a crash); the in-progress
/// marker is not counted.
private struct FailingObjectStore: ObjectStore {
    let base: any ObjectStore
    let prefix: StorageURI
    let allowedWrites: Int
    let counter = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
    }

    private func check(_ uri: StorageURI) throws {
        guard uri.bucket == prefix.bucket, uri.path.hasPrefix(prefix.prefix), !uri.path.hasSuffix("/_STEWARD_IN_PROGRESS") else { return }
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
