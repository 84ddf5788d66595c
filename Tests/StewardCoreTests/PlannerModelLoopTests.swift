import StewardCore
import Testing

/// A small ML system like the quickstart's, with observed state built by hand: a Dataset with a collection,
/// a training Pipeline, an Evaluation of the Endpoint's model, the Endpoint (a 50% canary, prune) and a Release.
enum LoopFixture {
    static let revision = String(repeating: "c", count: 40)
    static let templateBlob = String(repeating: "5", count: 40)
    static let template = RepositoryPath(unchecked: "training_pipeline/pipeline.json")
    static let dataRoot = StorageURI(bucket: "quickstart", path: "data")
    static let prefix = StorageURI(bucket: "quickstart", path: "collection")
    static let pipelineRoot = StorageURI(bucket: "quickstart", path: "pipeline-root")
    static let minSamples = 50

    static let dataset = ResourceID(.dataset, "points")
    static let pipeline = ResourceID(.pipeline, "train")
    static let evaluation = ResourceID(.evaluation, "drift")
    static let endpoint = ResourceID(.endpoint, "serving")
    static let release = ResourceID(.release, "model")

    static func manifests(blessing: Bool = false, canaryPercent: Int = 50, prune: Bool = true, newSpan: Bool = true,
                          suspend: Set<ResourceKind> = []) -> ManifestSet {
        let collection = DatasetSpec.Collection(prefix: prefix, pattern: "*.json", labels: .filenamePrefix,
                                                minSamples: minSamples)
        let dataset = DatasetSpec(root: dataRoot, format: .copy, classes: ["red", "green", "blue"], collection: collection)
        let pipeline = PipelineSpec(
            template: .repository(template), root: pipelineRoot, dataset: "points", spans: 2,
            parameters: ["spans": .string("${spans.list}")],
            outputs: .init(model: ArtifactRef(task: "trainer", artifact: "model"),
                           blessing: blessing ? ArtifactRef(task: "trainer", artifact: "blessing") : nil),
            local: .init(command: "python3 train.py"))
        let evaluation = EvaluationSpec(target: .endpoint("serving"), dataset: "points", threshold: 0.9,
                                        onFailure: .init(newSpan: newSpan, retrain: "train"),
                                        suspend: suspend.contains(.evaluation), local: .init(command: "python3 predict.py"))
        let endpoint = EndpointSpec(displayName: "serving", model: ModelSource(pipeline: "train"),
                                    rollout: .init(canaryPercent: canaryPercent), prune: prune,
                                    suspend: suspend.contains(.endpoint))
        let release = ReleaseSpec(repository: "example/quickstart", model: ModelSource(pipeline: "train"),
                                  suspend: suspend.contains(.release))
        return ManifestSet([
            Resource(metadata: ObjectMeta(name: "points"), spec: .dataset(dataset)),
            Resource(metadata: ObjectMeta(name: "train"), spec: .pipeline(pipeline)),
            Resource(metadata: ObjectMeta(name: "drift"), spec: .evaluation(evaluation)),
            Resource(metadata: ObjectMeta(name: "serving"), spec: .endpoint(endpoint)),
            Resource(metadata: ObjectMeta(name: "model"), spec: .release(release)),
        ])
    }

    static var facts: SourceFacts { SourceFacts(revision: revision, blobs: [template: templateBlob]) }

    static let t0 = Instant(millisecondsSinceEpoch: 1_790_000_000_000)
    static func at(_ seconds: Double) -> Instant { t0.adding(seconds: seconds) }

    static func spans(_ numbers: [Int], state: ObservedSpan.State = .complete, source: String? = nil) -> [ObservedSpan] {
        numbers.map { ObservedSpan(root: dataRoot, number: $0, state: state, source: source) }
    }

    /// A batch folder `<prefix>/<name>/` with `count` samples `<label>_<n>.json`.
    static func batch(_ name: String, count: Int) -> ObservedBatch {
        let folder = prefix.appending(name)
        let labels = ["red", "green", "blue"]
        let samples = (0..<count).map { n in folder.appending("\(labels[n % 3])_\(String(n + 10_000).dropFirst()).json") }
        return ObservedBatch(dataset: "points", uri: folder, samples: samples.sorted())
    }

    /// The run the planner starts when the given spans are complete, observed as finished.
    static func run(onSpans spans: [Int], state: WorkState = .succeeded, finishedAt: Double, blessed: Bool? = nil,
                    manifests: ManifestSet = manifests()) -> ObservedRun {
        let plan = Planner().plan(manifests: manifests, source: facts, observed: ObservedState(spans: self.spans(spans)),
                                  now: at(0))
        let detail = plan.changes.lazy.compactMap { change -> RunPipeline? in
            if case .runPipeline(let run) = change.detail { run } else { nil }
        }.first!
        return ObservedRun(id: detail.runID, pipeline: "train", key: detail.key, attempt: detail.attempt,
                           commit: revision, spans: detail.spans, state: state, createdAt: at(finishedAt - 60),
                           finishedAt: state.isFinished ? at(finishedAt) : nil,
                           modelURI: state == .succeeded ? pipelineRoot.appending(detail.runID).appending("trainer/model").description : nil,
                           blessed: blessed)
    }

    /// The registry entry of a run's model: its id is the run id (Vertex accepts it when ≤ 63 characters).
    static func model(of run: ObservedRun, at seconds: Double) -> ObservedModel {
        ObservedModel(id: run.id, resourceName: "models/\(run.id)", pipeline: "train", runID: run.id,
                      artifactURI: run.modelURI ?? "", createdAt: at(seconds))
    }

    /// An endpoint with the given models deployed (oldest first) as `d-<model id>`, and the split by model id.
    static func endpoint(_ deployed: [(model: ObservedModel, percent: Int)]) -> ObservedEndpoint {
        ObservedEndpoint(
            resource: "serving", id: "serving", displayName: "serving",
            deployedModels: deployed.enumerated().map { i, d in
                ObservedEndpoint.DeployedModel(id: "d-\(d.model.id)", modelID: d.model.id, createdAt: at(1000 + Double(i)))
            },
            trafficSplit: Dictionary(uniqueKeysWithValues: deployed.map { ("d-\($0.model.id)", $0.percent) }))
    }

    static func record(batch: String, model: ObservedModel, accuracy: Double, at seconds: Double) -> EvaluationRecord {
        EvaluationRecord(evaluation: "drift", batch: prefix.appending(batch).description, model: model.id, samples: 60,
                         correct: Int((accuracy * 60).rounded()), errors: 0, missing: 0, accuracy: accuracy,
                         threshold: 0.9, passed: accuracy >= 0.9, recordedAt: at(seconds))
    }
}

extension Plan {
    func changes(_ operation: Operation) -> [Change] { changes.filter { $0.operation == operation } }
    func changes(of resource: ResourceID) -> [Change] { changes.filter { $0.resource == resource } }
}

/// One serving model (run on span 1) deployed with all the traffic: the state before the data loop starts.
struct ServingWorld {
    var manifests = LoopFixture.manifests()
    let firstRun = LoopFixture.run(onSpans: [1], finishedAt: 100)
    var firstModel: ObservedModel { LoopFixture.model(of: firstRun, at: 200) }
    var observed: ObservedState

    init() {
        let run = firstRun
        let model = LoopFixture.model(of: run, at: 200)
        observed = ObservedState(runs: [run], spans: LoopFixture.spans([1]), models: [model],
                                 endpoints: [LoopFixture.endpoint([(model, 100)])],
                                 releases: [ObservedRelease(repository: "example/quickstart",
                                                            tag: "model-\(run.key.prefix(12))", id: "1", draft: false,
                                                            assets: ["saved_model.tar.gz"])])
    }

    func plan(diagnostics: [Diagnostic] = [], now: Double = 5000) -> Plan {
        Planner().plan(manifests: manifests, diagnostics: diagnostics, source: LoopFixture.facts, observed: observed,
                       now: LoopFixture.at(now))
    }
}

@Suite("Planner: the data loop (batches, evaluations, new spans)")
struct PlannerDataLoopTests {
    @Test("the serving world is settled: nothing to do before data arrives")
    func settled() {
        let plan = ServingWorld().plan()
        #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
        #expect(plan.condition(LoopFixture.endpoint)?.type == .ready)
    }

    @Test("a batch below minSamples plans nothing for the Evaluation")
    func belowMinSamples() {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: LoopFixture.minSamples - 1)]
        let plan = world.plan()
        #expect(plan.changes.isEmpty)
        let condition = plan.condition(LoopFixture.evaluation)
        #expect(condition?.type == .ready)
        #expect(condition?.message.contains("below \(LoopFixture.minSamples) samples") == true)
    }

    @Test("a batch of exactly minSamples plans one batch prediction of the serving model")
    func atMinSamples() throws {
        var world = ServingWorld()
        let batch = LoopFixture.batch("2026-01", count: LoopFixture.minSamples)
        world.observed.batches = [batch]
        let plan = world.plan()
        #expect(plan.changes.map(\.operation) == [.batchPredict])
        let change = try #require(plan.changes.first)
        #expect(change.action == .start)
        guard case .batchPredict(let request) = change.detail else { Issue.record("not a batch prediction"); return }
        #expect(request.batch == batch.uri)
        #expect(request.instances == batch.samples)
        #expect(request.modelID == world.firstModel.id)
        #expect(request.labels["steward-key"] == change.key)
        #expect(request.output.description.hasPrefix(LoopFixture.pipelineRoot.appending("evaluations/drift").description))
    }

    @Test("the newest unjudged batch is predicted, in natural order (2026-10 after 2026-9), not the oldest")
    func newestBatchNaturalOrder() throws {
        var world = ServingWorld()
        // Listed in storage's lexicographic order, where 2026-10 sorts before 2026-9; 2026-11 was judged already.
        world.observed.batches = ["2026-1", "2026-10", "2026-11", "2026-9"].map { LoopFixture.batch($0, count: 60) }
        world.observed.evaluations = [LoopFixture.record(batch: "2026-11", model: world.firstModel, accuracy: 0.95, at: 300)]
        let plan = world.plan()
        let predictions = plan.changes(.batchPredict)
        #expect(predictions.count == 1)
        guard case .batchPredict(let request)? = predictions.first?.detail else { Issue.record("no batch prediction"); return }
        #expect(request.batch == LoopFixture.prefix.appending("2026-10"))
    }

    @Test("a batch prediction in progress is awaited: a wait, and no second job")
    func jobInProgressWaits() throws {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        let first = try #require(world.plan().changes(.batchPredict).first)
        for state in [WorkState.pending, .running] {
            world.observed.batchJobs = [ObservedBatchJob(id: "job-1", displayName: "drift-2026-01", evaluation: "drift",
                                                         key: try #require(first.key), state: state, outputURI: nil,
                                                         createdAt: LoopFixture.at(4000))]
            // A newer batch arriving meanwhile does not start a second job either.
            world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
            let plan = world.plan(now: 4090)
            #expect(plan.changes.map { "\($0.operation.rawValue) \($0.action.rawValue)" } == ["batch-predict wait"])
            #expect(plan.changes.first?.reason.contains("1m 30s") == true, "\(plan.changes.first?.reason ?? "")")
            #expect(plan.condition(LoopFixture.evaluation)?.type == .progressing)
            world.observed.batches.removeLast()
        }
    }

    @Test("a succeeded batch prediction plans the evaluation, recorded beside the predictions")
    func succeededJobEvaluates() throws {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        let start = try #require(world.plan().changes(.batchPredict).first)
        guard case .batchPredict(let request) = start.detail else { Issue.record("not a batch prediction"); return }
        world.observed.batchJobs = [ObservedBatchJob(id: "job-1", displayName: request.displayName, evaluation: "drift",
                                                     key: request.key, state: .succeeded,
                                                     outputURI: request.output.description, createdAt: LoopFixture.at(4000))]
        let plan = world.plan()
        #expect(plan.changes.map(\.operation) == [.evaluate])
        guard case .evaluate(let evaluate)? = plan.changes.first?.detail else { Issue.record("no evaluation"); return }
        #expect(evaluate.batch == request.batch)
        #expect(evaluate.modelID == world.firstModel.id)
        #expect(evaluate.predictions == request.output)
        #expect(evaluate.record == request.output.appending("evaluation.json"))
        #expect(evaluate.threshold == 0.9)
        #expect(evaluate.instances.count == 60)

        // Once recorded, the batch is processed: no new prediction of it, whatever the outcome.
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.95, at: 4100)]
        #expect(world.plan().changes.isEmpty)
    }

    @Test("a failed evaluation plans one span N+1, N the highest complete span in numeric order (10 after 9)")
    func failedEvaluationNewSpan() throws {
        var world = ServingWorld()
        let batch = LoopFixture.batch("2026-01", count: 60)
        world.observed.batches = [batch]
        // Listed as storage lists them, "span-10" before "span-9".
        world.observed.spans = LoopFixture.spans([1, 10, 2, 9])
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100)]
        let plan = world.plan()
        let spans = plan.changes(.prepareSpan)
        #expect(spans.count == 1)
        let change = try #require(spans.first)
        #expect(change.resource == LoopFixture.dataset)
        guard case .prepareSpan(let span) = change.detail else { Issue.record("not a span"); return }
        #expect(span.span == 11)
        #expect(span.folder == LoopFixture.dataRoot.appending("span-11"))
        #expect(span.source == .batch(batch.uri, samples: batch.samples))
        #expect(span.splits == DatasetSpec.Splits(train: 80, test: 20))
        #expect(plan.changes(.batchPredict).isEmpty, "the failed batch is processed")
        #expect(plan.condition(LoopFixture.dataset)?.type == .progressing)
    }

    @Test("no span once a complete span records the batch in its markers")
    func spanExists() {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        world.observed.spans = LoopFixture.spans([1]) + LoopFixture.spans([2], source: LoopFixture.prefix.appending("2026-01").description)
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100)]
        #expect(world.plan().changes(.prepareSpan).isEmpty)
    }

    @Test("an interrupted span of the batch is resumed under its own number, not given a new one")
    func interruptedSpanResumed() throws {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        world.observed.spans = LoopFixture.spans([1])
            + LoopFixture.spans([2], state: .inProgress, source: LoopFixture.prefix.appending("2026-01").description)
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100)]
        let spans = world.plan().changes(.prepareSpan)
        #expect(spans.count == 1)
        guard case .prepareSpan(let span)? = spans.first?.detail else { Issue.record("no span"); return }
        #expect(span.span == 2)
    }

    @Test("two failed batches with an interrupted span of the newer one: each batch gets its own span number")
    func interruptedSpanOfAnotherBatch() throws {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60), LoopFixture.batch("2026-02", count: 60)]
        // Batch 2026-02's span 2 was interrupted; 2026-01 failed earlier and has no span yet.
        world.observed.spans = LoopFixture.spans([1])
            + LoopFixture.spans([2], state: .inProgress, source: LoopFixture.prefix.appending("2026-02").description)
        world.observed.evaluations = [
            LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100),
            LoopFixture.record(batch: "2026-02", model: world.firstModel, accuracy: 0.2, at: 4200),
        ]
        var bySpan: [Int: StorageURI] = [:]
        for change in world.plan().changes(.prepareSpan) {
            guard case .prepareSpan(let span) = change.detail, case .batch(let batch, _) = span.source else { continue }
            #expect(bySpan[span.span] == nil, "span \(span.span) planned twice")
            bySpan[span.span] = batch
        }
        #expect(bySpan == [2: LoopFixture.prefix.appending("2026-02"), 3: LoopFixture.prefix.appending("2026-01")])
    }

    @Test("two failed evaluations of one batch (by two models) make one span of it, not two")
    func oneSpanPerBatch() {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        let other = ObservedModel(id: "other", resourceName: "models/other", pipeline: "train", runID: "other",
                                  artifactURI: "", createdAt: LoopFixture.at(300))
        world.observed.evaluations = [
            LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100),
            LoopFixture.record(batch: "2026-01", model: other, accuracy: 0.4, at: 4200),
        ]
        let spans = world.plan().changes(.prepareSpan)
        #expect(spans.count == 1)
        guard case .prepareSpan(let span)? = spans.first?.detail else { Issue.record("no span"); return }
        #expect(span.span == 2)
    }

    @Test("an incomplete span is never selected by a run")
    func incompleteSpanNotSelected() {
        var world = ServingWorld()
        world.observed.spans = LoopFixture.spans([1])
            + LoopFixture.spans([2], state: .inProgress, source: LoopFixture.prefix.appending("2026-01").description)
        let plan = world.plan()
        #expect(plan.changes(.runPipeline).isEmpty, "the run on span 1 is current")
        #expect(plan.condition(LoopFixture.pipeline)?.type == .ready)
    }

    @Test("a passed evaluation plans no span")
    func passedNoSpan() {
        var world = ServingWorld()
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.9, at: 4100)]
        let plan = world.plan()
        #expect(plan.changes.isEmpty)
        #expect(plan.condition(LoopFixture.evaluation)?.reason == "Passed")
    }

    @Test("without onFailure.newSpan a failed evaluation plans no span")
    func failedWithoutNewSpan() {
        var world = ServingWorld()
        world.manifests = LoopFixture.manifests(newSpan: false)
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 4100)]
        #expect(world.plan().changes(.prepareSpan).isEmpty)
    }
}

@Suite("Planner: the model loop (upload, release, rollout, promotion)")
struct PlannerModelRolloutTests {
    @Test("the first successful run: upload, release with its asset, endpoint, and the model at 100%")
    func firstModel() throws {
        let run = LoopFixture.run(onSpans: [1], finishedAt: 100)
        let observed = ObservedState(runs: [run], spans: LoopFixture.spans([1]))
        let plan = Planner().plan(manifests: LoopFixture.manifests(), source: LoopFixture.facts, observed: observed,
                                  now: LoopFixture.at(500))
        #expect(Set(plan.changes.map(\.operation)) == [.uploadModel, .createRelease, .uploadAsset, .createEndpoint, .deployModel])
        #expect(plan.changes.count == 5)
        let upload = try #require(plan.changes(.uploadModel).first)
        guard case .uploadModel(let model) = upload.detail else { Issue.record("not an upload"); return }
        #expect(model.runID == run.id)
        #expect(model.artifactURI == run.modelURI)
        let release = try #require(plan.changes(.createRelease).first)
        guard case .createRelease(let created) = release.detail else { Issue.record("not a release"); return }
        #expect(created.repository == "example/quickstart")
        #expect(created.tag == "model-\(run.key.prefix(12))")
        let asset = try #require(plan.changes(.uploadAsset).first)
        #expect(asset.dependsOn == [release.id])
        guard case .uploadAsset(let uploadAsset) = asset.detail else { Issue.record("not an asset"); return }
        #expect(uploadAsset.name == "saved_model.tar.gz")
        #expect(uploadAsset.modelURI == run.modelURI)
        let create = try #require(plan.changes(.createEndpoint).first)
        let deploy = try #require(plan.changes(.deployModel).first)
        #expect(Set(deploy.dependsOn) == [create.id, upload.id])
        guard case .deployModel(let request) = deploy.detail else { Issue.record("not a deployment"); return }
        #expect(request.modelID == model.modelID)
        #expect(request.trafficSplit == ["0": 100])
    }

    @Test("an unblessed run is neither deployed nor released; a blessed one is")
    func blessing() {
        let manifests = LoopFixture.manifests(blessing: true)
        let unblessed = LoopFixture.run(onSpans: [1], finishedAt: 100, blessed: false, manifests: manifests)
        let plan = Planner().plan(manifests: manifests, source: LoopFixture.facts,
                                  observed: ObservedState(runs: [unblessed], spans: LoopFixture.spans([1])),
                                  now: LoopFixture.at(500))
        #expect(plan.changes.map(\.operation) == [.createEndpoint], "only the empty endpoint")
        #expect(plan.condition(LoopFixture.release)?.message.contains("no blessed run") == true)

        var blessed = unblessed
        blessed.blessed = true
        let after = Planner().plan(manifests: manifests, source: LoopFixture.facts,
                                   observed: ObservedState(runs: [blessed], spans: LoopFixture.spans([1])),
                                   now: LoopFixture.at(500))
        #expect(after.changes(.deployModel).count == 1)
        #expect(after.changes(.createRelease).count == 1)
    }

    @Test("a newer run that is not blessed leaves the blessed model serving")
    func unblessedRetrain() {
        let manifests = LoopFixture.manifests(blessing: true)
        let first = LoopFixture.run(onSpans: [1], finishedAt: 100, blessed: true, manifests: manifests)
        let second = LoopFixture.run(onSpans: [1, 2], finishedAt: 900, blessed: false, manifests: manifests)
        let model = LoopFixture.model(of: first, at: 200)
        let observed = ObservedState(runs: [first, second], spans: LoopFixture.spans([1, 2]), models: [model],
                                     endpoints: [LoopFixture.endpoint([(model, 100)])],
                                     releases: [ObservedRelease(repository: "example/quickstart", tag: "model-\(first.key.prefix(12))",
                                                                id: "1", draft: false, assets: ["saved_model.tar.gz"])])
        let plan = Planner().plan(manifests: manifests, source: LoopFixture.facts, observed: observed, now: LoopFixture.at(1000))
        #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
    }

    /// After retraining on spans 1–2: the first model serves with 100%, the new run succeeded.
    func retrained() -> (world: ServingWorld, second: ObservedRun) {
        var world = ServingWorld()
        let second = LoopFixture.run(onSpans: [1, 2], finishedAt: 900)
        world.observed.runs.append(second)
        world.observed.spans = LoopFixture.spans([1]) + LoopFixture.spans([2], source: LoopFixture.prefix.appending("2026-01").description)
        world.observed.batches = [LoopFixture.batch("2026-01", count: 60)]
        world.observed.evaluations = [LoopFixture.record(batch: "2026-01", model: world.firstModel, accuracy: 0.3, at: 400)]
        return (world, second)
    }

    @Test("the next model is uploaded, released and deployed as a canary beside the primary")
    func canary() throws {
        let (world, second) = retrained()
        let plan = world.plan()
        #expect(plan.changes.count == 4, "\(plan.changes.map(\.id))")
        #expect(plan.changes(.uploadModel).count == 1)
        #expect(plan.changes(.createRelease).count == 1)
        #expect(plan.changes(.uploadAsset).count == 1)
        #expect(plan.changes(.createEndpoint).isEmpty)
        let deploy = try #require(plan.changes(.deployModel).first)
        guard case .deployModel(let request) = deploy.detail else { Issue.record("not a deployment"); return }
        #expect(request.modelID == second.id)
        #expect(request.trafficSplit == ["0": 50, "d-\(world.firstModel.id)": 50])
        #expect(plan.condition(LoopFixture.endpoint)?.reason == "RollingOut")
    }

    /// The canary deployed at 50% beside the first model.
    func canaryDeployed() -> (world: ServingWorld, second: ObservedModel) {
        var (world, run) = retrained()
        let second = LoopFixture.model(of: run, at: 950)
        world.observed.models.append(second)
        world.observed.endpoints = [LoopFixture.endpoint([(world.firstModel, 50), (second, 50)])]
        world.observed.releases.append(ObservedRelease(repository: "example/quickstart", tag: "model-\(run.key.prefix(12))",
                                                       id: "2", draft: false, assets: ["saved_model.tar.gz"]))
        return (world, second)
    }

    @Test("a canary stays a canary until an evaluation of it passes, and is the model the Evaluation judges")
    func canaryHolds() throws {
        var (world, second) = canaryDeployed()
        let plan = world.plan()
        #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
        #expect(plan.condition(LoopFixture.endpoint)?.reason == "Canary")
        world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
        let predict = try #require(world.plan().changes(.batchPredict).first)
        guard case .batchPredict(let request) = predict.detail else { Issue.record("not a prediction"); return }
        #expect(request.modelID == second.id)
        #expect(request.batch == LoopFixture.prefix.appending("2026-02"))
    }

    @Test("a passed evaluation of the canary promotes it to 100% and prunes the model left without traffic")
    func promotion() throws {
        var (world, second) = canaryDeployed()
        world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
        world.observed.evaluations.append(LoopFixture.record(batch: "2026-02", model: second, accuracy: 0.97, at: 1200))
        let plan = world.plan()
        #expect(plan.changes.map(\.operation) == [.setTraffic, .undeployModel])
        let traffic = try #require(plan.changes(.setTraffic).first)
        guard case .setTraffic(let split) = traffic.detail else { Issue.record("not a traffic change"); return }
        #expect(split.trafficSplit == ["d-\(second.id)": 100, "d-\(world.firstModel.id)": 0])
        #expect(traffic.reason.hasPrefix("promote model"))
        let undeploy = try #require(plan.changes(.undeployModel).first)
        #expect(undeploy.action == .delete)
        #expect(undeploy.dependsOn == [traffic.id])
        guard case .undeployModel(let request) = undeploy.detail else { Issue.record("not an undeploy"); return }
        #expect(request.deployedModelID == "d-\(world.firstModel.id)")
        #expect(request.modelID == world.firstModel.id)

        // Without prune the old model stays deployed with no traffic.
        world.manifests = LoopFixture.manifests(prune: false)
        #expect(world.plan().changes.map(\.operation) == [.setTraffic])
    }

    @Test("a failed evaluation of the canary does not promote it")
    func canaryFails() {
        var (world, second) = canaryDeployed()
        world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
        world.observed.evaluations.append(LoopFixture.record(batch: "2026-02", model: second, accuracy: 0.5, at: 1200))
        let plan = world.plan()
        #expect(plan.changes(.setTraffic).isEmpty)
        #expect(plan.changes(.undeployModel).isEmpty)
        #expect(plan.changes(.prepareSpan).count == 1, "the failed batch becomes span 3")
    }

    @Test("after a canary failed, the next model's canary goes beside the model that served before it, not the failed one",
          arguments: [50, 70])
    func canaryAfterFailedCanary(canaryPercent: Int) throws {
        var (world, second) = canaryDeployed()
        world.manifests = LoopFixture.manifests(canaryPercent: canaryPercent)
        world.observed.endpoints = [LoopFixture.endpoint([(world.firstModel, 100 - canaryPercent), (second, canaryPercent)])]
        // The canary failed on 2026-02, which became span 3; the retrain on spans 2–3 succeeded.
        world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
        world.observed.evaluations.append(LoopFixture.record(batch: "2026-02", model: second, accuracy: 0.5, at: 1200))
        world.observed.spans += LoopFixture.spans([3], source: LoopFixture.prefix.appending("2026-02").description)
        let third = LoopFixture.run(onSpans: [1, 2, 3], finishedAt: 2000, manifests: world.manifests)
        world.observed.runs.append(third)
        let plan = world.plan()
        let deploy = try #require(plan.changes(.deployModel).first)
        guard case .deployModel(let request) = deploy.detail else { Issue.record("not a deployment"); return }
        #expect(request.modelID == third.id)
        #expect(request.trafficSplit == ["0": canaryPercent, "d-\(world.firstModel.id)": 100 - canaryPercent,
                                         "d-\(second.id)": 0])
    }

    @Test("traffic changed by hand is set back to the declared split")
    func handChangedTraffic() throws {
        var (world, second) = canaryDeployed()
        world.observed.endpoints = [LoopFixture.endpoint([(world.firstModel, 10), (second, 90)])]
        let plan = world.plan()
        #expect(plan.changes.map(\.operation) == [.setTraffic])
        guard case .setTraffic(let split)? = plan.changes.first?.detail else { Issue.record("no traffic change"); return }
        #expect(split.trafficSplit == ["d-\(world.firstModel.id)": 50, "d-\(second.id)": 50])
        #expect(plan.condition(LoopFixture.endpoint)?.reason == "CorrectingTraffic")

        // After promotion, the old model at 0%: traffic given back to it by hand is taken away again.
        world.observed.evaluations.append(LoopFixture.record(batch: "2026-02", model: second, accuracy: 0.97, at: 1200))
        world.observed.endpoints = [LoopFixture.endpoint([(world.firstModel, 30), (second, 70)])]
        world.manifests = LoopFixture.manifests(prune: false)
        let after = world.plan()
        #expect(after.changes.map(\.operation) == [.setTraffic])
        guard case .setTraffic(let back)? = after.changes.first?.detail else { Issue.record("no traffic change"); return }
        #expect(back.trafficSplit == ["d-\(world.firstModel.id)": 0, "d-\(second.id)": 100])
    }

    @Test("with an invalid manifest, no undeploy: promotion goes ahead, pruning waits")
    func invalidManifestNoUndeploy() {
        var (world, second) = canaryDeployed()
        world.observed.evaluations.append(LoopFixture.record(batch: "2026-02", model: second, accuracy: 0.97, at: 1200))
        let diagnostic = Diagnostic(at: SourceLocation(path: "manifests/broken.yaml", line: 3, column: 1), "unknown field 'spce'")
        let plan = world.plan(diagnostics: [diagnostic])
        #expect(plan.changes(.undeployModel).isEmpty)
        #expect(!plan.changes.contains { $0.action == .delete })
        #expect(plan.diagnostics == [diagnostic])
        // Once promoted, still nothing is undeployed while the manifests are invalid.
        world.observed.endpoints = [LoopFixture.endpoint([(world.firstModel, 0), (second, 100)])]
        #expect(world.plan(diagnostics: [diagnostic]).changes.isEmpty)
        #expect(world.plan().changes.map(\.operation) == [.undeployModel])
    }

    @Test("suspend: true plans nothing for an Evaluation, an Endpoint or a Release", arguments: [
        ResourceKind.evaluation, .endpoint, .release,
    ])
    func suspended(kind: ResourceKind) {
        // A state where each of the three has work: an unjudged batch, a new model, a missing release.
        var (world, _) = retrained()
        world.observed.batches.append(LoopFixture.batch("2026-02", count: 60))
        world.manifests = LoopFixture.manifests(suspend: [kind])
        let plan = world.plan()
        let resource = [LoopFixture.evaluation, LoopFixture.endpoint, LoopFixture.release].first { $0.kind == kind }!
        #expect(plan.changes(of: resource).isEmpty)
        #expect(plan.condition(resource)?.type == .suspended)
        let others = [LoopFixture.evaluation, LoopFixture.endpoint, LoopFixture.release].filter { $0.kind != kind }
        for other in others { #expect(!plan.changes(of: other).isEmpty, "\(other) still plans") }
    }
}
