import StewardCore
import Testing

@Suite("Planner: the seed's two branches fall out of content keys")
struct PlannerBranchTests {
    let planner = Planner()
    let pipelineID = ResourceID(.pipeline, "train")

    /// The state after a first successful run at commit A with image tree 1 and modules tree 1.
    func afterFirstRun() -> (ManifestSet, ObservedState, RunPipeline) {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline())
        let spans = Fixture.spans(1...1)
        let first = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitA),
                                 observed: ObservedState(spans: spans), now: Fixture.at(0))
        let run = Fixture.plannedRun(first)!
        let observed = ObservedState(
            images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .succeeded)],
            moduleCopies: [ObservedModuleCopy(destination: StorageURI(bucket: "modules-bucket", path: "modules"),
                                              tree: Fixture.modulesTree1)],
            runs: [Fixture.observedRun(from: run, state: .succeeded)],
            spans: spans)
        return (manifests, observed, run)
    }

    @Test("first plan builds the image, copies the modules, then starts the run")
    func firstPlan() throws {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline())
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(),
                                observed: ObservedState(spans: Fixture.spans(1...1)), now: Fixture.at(0))
        #expect(plan.summaryLines == ["build-image create", "copy-modules create", "run-pipeline start"])
        let run = try #require(Fixture.plannedRun(plan))
        #expect(plan.changes[2].dependsOn == [plan.changes[0].id, plan.changes[1].id])
        #expect(run.image == "gcr.io/p/train:\(Fixture.imageTree1)")
        #expect(run.modules?.description == "gs://modules-bucket/modules/\(Fixture.modulesTree1)")
        #expect(run.parameters["input-config"] == .string(#"{"splits": [{"name": "train", "pattern": "span-1/train/*"}]}"#))
        #expect(run.parameters["epochs"] == .int(3))
        #expect(run.labels["steward-key"] == run.key)
        #expect(run.runID == "train-\(run.key.prefix(12))-1")
        #expect(plan.condition(pipelineID)?.type == .progressing)
    }

    @Test("modules-only change copies modules and reruns without a build")
    func modulesOnly() throws {
        let (manifests, observed, _) = afterFirstRun()
        let changes = [ChangesQuery(from: Fixture.commitA, path: Fixture.modules): ["training_pipeline/models/model.py", "training_pipeline/models/preprocessing.py"],
                       ChangesQuery(from: Fixture.commitA, path: Fixture.context): ["training_pipeline/models/model.py", "training_pipeline/models/preprocessing.py"]]
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(modules: Fixture.modulesTree2, changes: changes),
                                observed: observed, now: Fixture.at(100))
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline start"])
        #expect(plan.changes[0].reason == "modules changed: 2 files since aaaaaaa")
        #expect(plan.changes[1].reason == "modules changed: 2 files since aaaaaaa")
    }

    @Test("image context change builds the image, then runs")
    func imageContext() {
        let (manifests, observed, _) = afterFirstRun()
        let changes = [ChangesQuery(from: Fixture.commitA, path: Fixture.context): ["training_pipeline/Dockerfile", "training_pipeline/pipeline/configs.py", "training_pipeline/runner.py"],
                       ChangesQuery(from: Fixture.commitA, path: Fixture.modules): []]
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(image: Fixture.imageTree2, changes: changes),
                                observed: observed, now: Fixture.at(100))
        #expect(plan.summaryLines == ["build-image create", "run-pipeline start"])
        #expect(plan.changes[0].reason == "image context changed: 3 files since aaaaaaa")
    }

    @Test("a change that feeds no run plans nothing")
    func unrelatedChange() {
        let (manifests, observed, _) = afterFirstRun()
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitC), observed: observed,
                                now: Fixture.at(100))
        #expect(plan.changes.isEmpty)
        #expect(plan.condition(pipelineID)?.type == .ready)
        #expect(!plan.hasChanges)
    }

    @Test("a revert to a tree built before builds nothing")
    func revert() {
        var (manifests, observed, _) = afterFirstRun()
        // Commit B built tree 2 and ran; the revert brings back tree 1, whose image exists, with new modules.
        observed.images.append(ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree2, state: .succeeded))
        let plan = planner.plan(manifests: manifests,
                                source: Fixture.facts(Fixture.commitC, image: Fixture.imageTree1, modules: Fixture.modulesTree2),
                                observed: observed, now: Fixture.at(100))
        #expect(!plan.summaryLines.contains("build-image create"))
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline start"])
        manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline())
        let same = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitC), observed: observed,
                                now: Fixture.at(100))
        #expect(same.changes.isEmpty, "the very inputs of a successful run: nothing at all")
    }

    @Test("a run in progress is a wait with its age")
    func runInProgress() throws {
        let (manifests, observed, run) = afterFirstRun()
        var running = observed
        running.runs = [Fixture.observedRun(from: run, state: .running, createdAt: Fixture.at(0))]
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitA), observed: running,
                                now: Fixture.at(190))
        #expect(plan.summaryLines == ["run-pipeline wait"])
        #expect(plan.changes[0].reason == "run '\(run.runID)' running for 3m 10s")
        #expect(!plan.hasChanges)
    }

    @Test("suspend plans nothing")
    func suspended() {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline(suspend: true))
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(),
                                observed: ObservedState(spans: Fixture.spans(1...1)), now: Fixture.at(0))
        #expect(plan.changes.isEmpty)
        #expect(plan.condition(pipelineID)?.type == .suspended)
    }

    @Test("the same inputs give the same plan")
    func deterministic() {
        let (manifests, observed, _) = afterFirstRun()
        let facts = Fixture.facts(image: Fixture.imageTree2, modules: Fixture.modulesTree2)
        let a = planner.plan(manifests: manifests, source: facts, observed: observed, now: Fixture.at(5))
        let b = planner.plan(manifests: manifests, source: facts, observed: observed, now: Fixture.at(5))
        #expect(a == b)
        #expect(a.digest == b.digest)
    }
}

@Suite("Planner: concurrency policy, retries and invalid manifests")
struct PlannerPolicyTests {
    let planner = Planner()
    let pipelineID = ResourceID(.pipeline, "train")

    func olderRunning(policy: ConcurrencyPolicy) -> (ManifestSet, ObservedState) {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline(policy: policy))
        let spans = Fixture.spans(1...1)
        let first = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitA),
                                 observed: ObservedState(spans: spans), now: Fixture.at(0))
        let run = Fixture.plannedRun(first)!
        let observed = ObservedState(
            images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .succeeded)],
            moduleCopies: [ObservedModuleCopy(destination: StorageURI(bucket: "modules-bucket", path: "modules"), tree: Fixture.modulesTree1)],
            runs: [Fixture.observedRun(from: run, state: .running, createdAt: Fixture.at(0))],
            spans: spans)
        return (manifests, observed)
    }

    @Test("Queue: a new commit waits for the running run, copying modules meanwhile")
    func queue() {
        let (manifests, observed) = olderRunning(policy: .queue)
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(modules: Fixture.modulesTree2),
                                observed: observed, now: Fixture.at(60))
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline wait"])
        #expect(plan.changes[1].reason.hasPrefix("queued behind run 'train-"))
    }

    @Test("Replace: the running run is cancelled and the new one starts")
    func replace() {
        let (manifests, observed) = olderRunning(policy: .replace)
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(modules: Fixture.modulesTree2),
                                observed: observed, now: Fixture.at(60))
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline start", "cancel-run delete"]
            || plan.summaryLines == ["copy-modules create", "cancel-run delete", "run-pipeline start"])
        let run = plan.changes.first { $0.operation == .runPipeline }!
        #expect(run.dependsOn.contains { $0.hasPrefix("cancel-run/") })
    }

    @Test("Replace with an invalid manifest anywhere: no cancellation, it queues instead")
    func replaceWithInvalidManifests() {
        let (manifests, observed) = olderRunning(policy: .replace)
        let diagnostics = [Diagnostic(at: SourceLocation(path: "manifests/bad.yaml", line: 3, column: 1), "unknown field 'x'")]
        let plan = planner.plan(manifests: manifests, diagnostics: diagnostics,
                                source: Fixture.facts(modules: Fixture.modulesTree2), observed: observed, now: Fixture.at(60))
        #expect(!plan.changes.contains { $0.action == .delete })
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline wait"])
        #expect(plan.diagnostics == diagnostics)
    }

    @Test("Allow: the new run starts beside the running one")
    func allow() {
        let (manifests, observed) = olderRunning(policy: .allow)
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(modules: Fixture.modulesTree2),
                                observed: observed, now: Fixture.at(60))
        #expect(plan.summaryLines == ["copy-modules create", "run-pipeline start"])
    }

    @Test("a failed run is retried with a new attempt id, then the Pipeline is Stalled")
    func retries() throws {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline(retries: 1))
        let spans = Fixture.spans(1...1)
        let first = planner.plan(manifests: manifests, source: Fixture.facts(), observed: ObservedState(spans: spans),
                                 now: Fixture.at(0))
        let attempt1 = try #require(Fixture.plannedRun(first))
        var observed = ObservedState(
            images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .succeeded)],
            moduleCopies: [ObservedModuleCopy(destination: StorageURI(bucket: "modules-bucket", path: "modules"), tree: Fixture.modulesTree1)],
            runs: [Fixture.observedRun(from: attempt1, state: .failed, message: "exit code 3")],
            spans: spans)
        let second = planner.plan(manifests: manifests, source: Fixture.facts(), observed: observed, now: Fixture.at(10))
        let attempt2 = try #require(Fixture.plannedRun(second))
        #expect(attempt2.attempt == 2)
        #expect(attempt2.runID != attempt1.runID)
        #expect(attempt2.key == attempt1.key)
        #expect(second.changes.last?.reason == "attempt 2 of 2: run '\(attempt1.runID)' failed")

        observed.runs.append(Fixture.observedRun(from: attempt2, state: .failed, createdAt: Fixture.at(10), message: "exit code 3"))
        let third = planner.plan(manifests: manifests, source: Fixture.facts(), observed: observed, now: Fixture.at(20))
        #expect(third.changes.isEmpty)
        let condition = try #require(third.condition(pipelineID))
        #expect(condition.type == .stalled)
        #expect(condition.reason == "RetriesExhausted")
        #expect(condition.message.contains("failed 2 times: exit code 3"))
    }

    @Test("a failed image build stalls the Pipeline")
    func failedBuild() {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline())
        let observed = ObservedState(images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .failed,
                                                            buildID: "b-1", message: "step 2 exited 1")],
                                     spans: Fixture.spans(1...1))
        let plan = planner.plan(manifests: manifests, source: Fixture.facts(), observed: observed, now: Fixture.at(0))
        #expect(plan.condition(pipelineID)?.type == .stalled)
        #expect(plan.condition(pipelineID)?.reason == "BuildFailed")
        #expect(!plan.summaryLines.contains("run-pipeline start"))
    }

    @Test("a local image that failed with another local.build command is built again; with the same one it stalls")
    func failedLocalBuildCommandChanged() {
        var pipeline = Fixture.pipeline()
        if case .pipeline(var spec) = pipeline.spec {
            spec.local = .init(command: "python3 train.py", build: "pip install -r requirements.txt")
            pipeline.spec = .pipeline(spec)
        }
        let manifests = Fixture.manifests(Fixture.dataset(), pipeline)
        func observed(failedWith build: String) -> ObservedState {
            ObservedState(images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .failed,
                                                 message: "local.build exited with code 1", localBuild: build)],
                          spans: Fixture.spans(1...1))
        }
        let fixed = planner.plan(manifests: manifests, source: Fixture.facts(), observed: observed(failedWith: "pip install"),
                                 now: Fixture.at(0))
        #expect(fixed.changes.contains { $0.operation == .buildImage && $0.action == .create })
        #expect(fixed.condition(pipelineID)?.type != .stalled)

        let same = planner.plan(manifests: manifests, source: Fixture.facts(),
                                observed: observed(failedWith: "pip install -r requirements.txt"), now: Fixture.at(0))
        #expect(same.condition(pipelineID)?.reason == "BuildFailed")
        #expect(same.condition(pipelineID)?.message.hasSuffix("fix the image context or local.build and commit") == true)
        #expect(!same.changes.contains { $0.operation == .buildImage })
    }

    @Test("a missing template stalls the Pipeline with a hint")
    func missingTemplate() {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline())
        var facts = Fixture.facts()
        facts.blobs = [:]
        let plan = planner.plan(manifests: manifests, source: facts, observed: ObservedState(spans: Fixture.spans(1...1)),
                                now: Fixture.at(0))
        #expect(plan.changes.isEmpty)
        #expect(plan.condition(pipelineID)?.message == "template 'training_pipeline/pipeline.json' does not exist at commit bbbbbbb; commit the compiled pipeline spec or fix 'template'")
    }
}

@Suite("Planner: spans as inputs")
struct PlannerSpanTests {
    let planner = Planner()
    let pipelineID = ResourceID(.pipeline, "train")

    func plan(spans: [ObservedSpan], count: Int = 2, initialSpan: Bool = false) -> Plan {
        let manifests = Fixture.manifests(Fixture.dataset(initialSpan: initialSpan), Fixture.pipeline(spans: count))
        return planner.plan(manifests: manifests, source: Fixture.facts(), observed: ObservedState(spans: spans),
                            now: Fixture.at(0))
    }

    @Test("spans 10 and 11 give the exact glob span-1[01]")
    func tenAndEleven() throws {
        let run = try #require(Fixture.plannedRun(plan(spans: Fixture.spans(1...11))))
        #expect(run.spans == [10, 11])
        #expect(run.parameters["input-config"] == .string(#"{"splits": [{"name": "train", "pattern": "span-1[01]/train/*"}]}"#))
    }

    @Test("spans 9 and 10 have no exact glob: Stalled with a hint")
    func nineAndTen() throws {
        let p = plan(spans: Fixture.spans(1...10))
        #expect(p.changes.isEmpty)
        let condition = try #require(p.condition(pipelineID))
        #expect(condition.type == .stalled)
        #expect(condition.reason == "InexactSpanPattern")
        #expect(condition.message.contains("'${spans.first}' and '${spans.last}'"))
    }

    @Test("spans 9 and 10 with first/last placeholders run on exactly those")
    func nineAndTenWithRange() throws {
        let manifests = Fixture.manifests(Fixture.dataset(), Fixture.pipeline(parameters: [
            "range": .string("${spans.first}-${spans.last}"), "list": .string("${spans.list}"),
        ]))
        let p = planner.plan(manifests: manifests, source: Fixture.facts(), observed: ObservedState(spans: Fixture.spans(1...10)),
                             now: Fixture.at(0))
        let run = try #require(Fixture.plannedRun(p))
        #expect(run.parameters["range"] == .string("9-10"))
        #expect(run.parameters["list"] == .string("9,10"))
    }

    @Test("numeric order: span 10 is newer than span 9")
    func numericOrder() throws {
        let spans = [ObservedSpan(root: Fixture.dataRoot, number: 10, state: .complete),
                     ObservedSpan(root: Fixture.dataRoot, number: 9, state: .external)]
        let run = try #require(Fixture.plannedRun(plan(spans: spans, count: 1)))
        #expect(run.spans == [10])
    }

    @Test("an incomplete span is never selected; fewer spans than asked for are used")
    func incompleteSkipped() throws {
        let spans = [ObservedSpan(root: Fixture.dataRoot, number: 1, state: .complete),
                     ObservedSpan(root: Fixture.dataRoot, number: 2, state: .inProgress)]
        let run = try #require(Fixture.plannedRun(plan(spans: spans, count: 2)))
        #expect(run.spans == [1])
    }

    @Test("no complete span: the Pipeline waits, with no error")
    func noSpan() throws {
        let p = plan(spans: [])
        #expect(p.changes.isEmpty)
        #expect(p.condition(pipelineID)?.reason == "WaitingForData")
        #expect(p.condition(pipelineID)?.type == .progressing)
    }

    @Test("initialSpan becomes span 1 while no complete span exists, and the Pipeline waits for it")
    func initialSpan() throws {
        let p = plan(spans: [], initialSpan: true)
        #expect(p.summaryLines == ["prepare-span create", "run-pipeline wait"])
        guard case .prepareSpan(let span) = p.changes[0].detail else { Issue.record("not a span"); return }
        #expect(span.span == 1)
        #expect(span.folder.description == "gs://data-bucket/data/span-1")
        #expect(p.changes[0].resource == ResourceID(.dataset, "cifar10"))
    }

    @Test("an incomplete span 1 is rewritten from initialSpan")
    func initialSpanResumed() {
        let p = plan(spans: [ObservedSpan(root: Fixture.dataRoot, number: 1, state: .inProgress)], initialSpan: true)
        #expect(p.changes.first?.reason == "span 1 was left incomplete; rewriting it from 'data'")
    }

    @Test("a new span changes the run key")
    func newSpanChangesKey() throws {
        let a = try #require(Fixture.plannedRun(plan(spans: Fixture.spans(1...1))))
        let b = try #require(Fixture.plannedRun(plan(spans: Fixture.spans(1...2))))
        #expect(a.key != b.key)
        #expect(b.spans == [1, 2])
    }
}

@Suite("Spans: exact globs")
struct ExactGlobTests {
    @Test(arguments: [
        ([1], "span-1"), ([1, 2], "span-[12]"), ([10, 11], "span-1[01]"), ([1, 2, 3, 4], "span-[1-4]"),
        ([20, 21, 30, 31], "span-[23][01]"), ([100, 101], "span-10[01]"),
    ])
    func exact(numbers: [Int], glob: String) {
        #expect(Spans.exactGlob(numbers) == glob)
    }

    @Test(arguments: [[9, 10], [18, 19, 20, 21], [1, 3, 12], [99, 100]])
    func inexact(numbers: [Int]) {
        #expect(Spans.exactGlob(numbers) == nil)
    }

    @Test("span folder names parse numerically and reject look-alikes")
    func folderNames() {
        #expect(Spans.number(ofFolder: "span-10") == 10)
        #expect(Spans.number(ofFolder: "span-01") == nil)
        #expect(Spans.number(ofFolder: "span-x") == nil)
        #expect(Spans.number(ofFolder: "spans-1") == nil)
    }
}
