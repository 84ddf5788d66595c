import Foundation
import StewardCore
import StewardFakes
@testable import StewardGoogleCloud
import StewardRuntime
import Testing

@Suite("Vertex pipeline service against the fake")
struct VertexPipelineServiceTests {
    static let template = Array("""
    {"pipelineInfo": {"name": "cifar10-training"},
     "schemaVersion": "2.1.0", "sdkVersion": "tfx-1.14.0",
     "root": {"dag": {"tasks": {
        "Trainer": {"componentRef": {"name": "Trainer"}, "cachingOptions": {"enableCache": true}, "taskInfo": {"name": "Trainer"}},
        "Evaluator": {"componentRef": {"name": "Evaluator"}, "taskInfo": {"name": "Evaluator"}}}},
      "inputDefinitions": {"parameters": {"epochs": {"parameterType": "NUMBER_INTEGER"}}}},
     "components": {
        "Trainer": {"executorLabel": "Trainer_executor",
                    "outputDefinitions": {"artifacts": {"model": {"artifactType": {"schemaTitle": "tfx.Model"}}}}},
        "Evaluator": {"executorLabel": "Evaluator_executor",
                      "outputDefinitions": {"artifacts": {"blessing": {"artifactType": {"schemaTitle": "tfx.ModelBlessing"}}}}}},
     "deploymentSpec": {"executors": {}}}
    """.utf8)

    static func request(runID: String = "cifar10-training-0123456789ab-1", caching: Bool = false,
                        blessing: Bool = true) -> RunPipeline {
        let key = "0123456789abcdef0123456789abcdef"
        return RunPipeline(
            runID: runID, pipeline: "cifar10-training", displayName: "cifar10-training", attempt: 1, key: key,
            commit: String(repeating: "c", count: 40), template: .repository(RepositoryPath(unchecked: "pipeline.json")),
            root: StorageURI(bucket: "bucket", path: "pipeline-root"),
            parameters: ["epochs": .int(10), "learning_rate": .double(0.01), "data": .string("gs://bucket/spans"), "flag": .bool(true)],
            spans: [1, 2], datasetRoot: nil, image: "us-docker.pkg.dev/p/r/trainer:abc", imageTree: String(repeating: "a", count: 40),
            modules: nil, modulesTree: String(repeating: "b", count: 40), serviceAccount: "pipelines@steward-test.iam.gserviceaccount.com",
            enableCaching: caching,
            outputs: .init(model: ArtifactRef(task: "Trainer", artifact: "model"),
                           blessing: blessing ? ArtifactRef(task: "Evaluator", artifact: "blessing") : nil),
            local: nil,
            labels: ["steward-managed": "true", "steward-resource": "cifar10-training", "steward-key": key,
                     "steward-attempt": "1", "steward-commit": String(repeating: "c", count: 40),
                     "steward-image-tree": String(repeating: "a", count: 40),
                     "steward-modules-tree": String(repeating: "b", count: 40), "steward-spans": "1_2"])
    }

    @Test("a started run is observed pending, running, then succeeded with its model and blessing")
    func runLifecycle() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let service = h.apis.pipelineService(objects: InMemoryObjectStore())
            let request = Self.request()
            #expect(try await service.start(request, template: Self.template) == .created)

            let pending = try #require(try await service.observeRuns().first)
            #expect(pending.state == .pending)
            #expect(pending.id == request.runID)
            #expect(pending.pipeline == "cifar10-training")
            #expect(pending.key == request.key)
            #expect(pending.attempt == 1)
            #expect(pending.commit == request.commit)
            #expect(pending.imageTree == request.imageTree)
            #expect(pending.modulesTree == request.modulesTree)
            #expect(pending.spans == [1, 2])
            #expect(pending.modelURI == nil)

            #expect(try await service.observeRuns().first?.state == .running)
            let succeeded = try #require(try await service.observeRuns().first)
            #expect(succeeded.state == .succeeded)
            #expect(succeeded.finishedAt != nil)
            let uri = try #require(succeeded.modelURI)
            #expect(uri.hasPrefix("gs://bucket/pipeline-root/\(request.runID)/Trainer_"))
            #expect(uri.hasSuffix("/model"))
            #expect(succeeded.blessed == true)

            // The task details are read once per run.
            _ = try await service.observeRuns()
            #expect(await h.vertex.requests("GET", pathSuffix: "/pipelineJobs/\(request.runID)").count == 1)
        }
    }

    @Test("the create body holds the spec with caching off on every task, typed parameters and output labels")
    func createBody() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let request = Self.request()
            _ = try await h.apis.pipelineService(objects: InMemoryObjectStore()).start(request, template: Self.template)
            let post = try #require(await h.vertex.requests("POST", pathSuffix: "/pipelineJobs").first)
            #expect(post.query["pipelineJobId"] == request.runID)
            let body = try #require(post.json)
            let tasks = try #require(body["pipelineSpec"]?["root"]?["dag"]?["tasks"]?.objectValue)
            #expect(tasks.count == 2)
            for task in tasks.values { #expect(task["cachingOptions"]?["enableCache"] == .bool(false)) }
            let sent = try ProtobufValue(json: Self.template)
            #expect(body["pipelineSpec"]?["components"] == sent["components"])
            #expect(body["pipelineSpec"]?["deploymentSpec"] == sent["deploymentSpec"])
            let parameters = body["runtimeConfig"]?["parameterValues"]
            #expect(parameters?["epochs"] == .int(10))
            #expect(parameters?["learning_rate"] == .double(0.01))
            #expect(parameters?["flag"] == .bool(true))
            #expect(String(decoding: post.body, as: UTF8.self).contains(#""epochs":10"#))
            #expect(body["runtimeConfig"]?["gcsOutputDirectory"] == .string("gs://bucket/pipeline-root"))
            #expect(body["serviceAccount"] == .string("pipelines@steward-test.iam.gserviceaccount.com"))
            #expect(body["labels"]?["steward-model-task"] == .string("trainer"))
            #expect(body["labels"]?["steward-model-artifact"] == .string("model"))
            #expect(body["labels"]?["steward-blessing-task"] == .string("evaluator"))
            #expect(body["labels"]?["steward-spans"] == .string("1_2"))
        }
    }

    @Test("with caching on, the spec is sent as compiled")
    func cachingOnKeepsSpec() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            _ = try await h.apis.pipelineService(objects: InMemoryObjectStore()).start(Self.request(caching: true), template: Self.template)
            let body = try #require(await h.vertex.requests("POST", pathSuffix: "/pipelineJobs").first?.json)
            #expect(body["pipelineSpec"] == (try ProtobufValue(json: Self.template)))
        }
    }

    @Test("a second start of the same run id is adopted, and the fake holds one job")
    func secondStartAdopted() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let service = h.apis.pipelineService(objects: InMemoryObjectStore())
            #expect(try await service.start(Self.request(), template: Self.template) == .created)
            #expect(try await service.start(Self.request(), template: Self.template) == .adopted)
            #expect(await h.vertex.pipelineJobCount() == 1)
        }
    }

    @Test("a run that is not blessed, and a failed run")
    func notBlessedAndFailed() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let service = h.apis.pipelineService(objects: InMemoryObjectStore())
            let unblessed = Self.request(runID: "cifar10-training-0123456789ab-2")
            let failing = Self.request(runID: "cifar10-training-0123456789ab-3")
            await h.vertex.setBlessed(pipelineJob: unblessed.runID, false)
            await h.vertex.setOutcome(pipelineJob: failing.runID, "PIPELINE_STATE_FAILED")
            _ = try await service.start(unblessed, template: Self.template)
            _ = try await service.start(failing, template: Self.template)
            for _ in 0..<2 { _ = try await service.observeRuns() }
            let runs = Dictionary(uniqueKeysWithValues: try await service.observeRuns().map { ($0.id, $0) })
            #expect(runs[unblessed.runID]?.state == .succeeded)
            #expect(runs[unblessed.runID]?.blessed == false)
            #expect(runs[unblessed.runID]?.modelURI != nil)
            #expect(runs[failing.runID]?.state == .failed)
            #expect(runs[failing.runID]?.message?.isEmpty == false)
            #expect(runs[failing.runID]?.modelURI == nil)
        }
    }

    /// A KFP component's plain `system.Artifact` blessing (the quickstart trainer's): no `blessed` metadata, a
    /// `BLESSED` file in its folder when the model is good enough.
    static let plainBlessingTemplate = Array("""
    {"pipelineInfo": {"name": "quickstart-training"}, "schemaVersion": "2.1.0", "sdkVersion": "kfp-2.7.0",
     "root": {"dag": {"tasks": {"trainer": {"componentRef": {"name": "comp-trainer"}, "taskInfo": {"name": "trainer"}}}}},
     "components": {"comp-trainer": {"executorLabel": "exec-trainer", "outputDefinitions": {"artifacts": {
        "model": {"artifactType": {"schemaTitle": "system.Model"}},
        "blessing": {"artifactType": {"schemaTitle": "system.Artifact"}}}}}},
     "deploymentSpec": {"executors": {}}}
    """.utf8)

    @Test("a blessing artifact without metadata is read from the BLESSED object in its folder")
    func blessingFolder() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let objects = InMemoryObjectStore()
            let blessedRun = "quickstart-training-0123456789ab-1", unblessedRun = "quickstart-training-0123456789ab-2"
            // The trainer writes its model, and BLESSED only in the first run.
            await h.vertex.setPipelineExecutor { execution in
                guard let model = execution.artifact(task: "trainer", key: "model"),
                      let blessing = execution.artifact(task: "trainer", key: "blessing") else {
                    throw RuntimeError.notFound("the trainer's artifacts")
                }
                try await objects.write(try StorageURI.parse(model + "/model.json").get(), bytes: Array("{}".utf8), contentType: nil)
                if execution.jobID == blessedRun {
                    try await objects.write(try StorageURI.parse(blessing + "/BLESSED").get(), bytes: Array("{}".utf8), contentType: nil)
                }
            }
            let service = h.apis.pipelineService(objects: objects)
            for runID in [blessedRun, unblessedRun] {
                var request = Self.request(runID: runID)
                request.outputs = .init(model: ArtifactRef(task: "trainer", artifact: "model"),
                                        blessing: ArtifactRef(task: "trainer", artifact: "blessing"))
                _ = try await service.start(request, template: Self.plainBlessingTemplate)
            }
            var runs: [String: ObservedRun] = [:]
            for _ in 0..<4 where runs.values.filter({ $0.state == .succeeded }).count < 2 {
                runs = Dictionary(uniqueKeysWithValues: try await service.observeRuns().map { ($0.id, $0) })
            }
            #expect(runs[blessedRun]?.state == .succeeded)
            #expect(runs[blessedRun]?.blessed == true)
            #expect(runs[unblessedRun]?.state == .succeeded)
            #expect(runs[unblessedRun]?.blessed == false)
            let model = try #require(runs[blessedRun]?.modelURI)
            #expect(try await objects.exists(try StorageURI.parse(model + "/model.json").get()), "the executor ran before success showed")
        }
    }

    @Test("cancel stops a running run and leaves a finished one alone")
    func cancel() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let service = h.apis.pipelineService(objects: InMemoryObjectStore())
            let request = Self.request()
            _ = try await service.start(request, template: Self.template)
            try await service.cancel(runID: request.runID)
            #expect(try await service.observeRuns().first?.state == .cancelled)
            try await service.cancel(runID: request.runID)
            try await service.cancel(runID: "never-started")
            #expect(await h.vertex.requests("POST", pathSuffix: ":cancel").count == 1)
        }
    }

    @Test("a template that is not JSON stalls with a clear message", arguments: [nil, Array("root: {}".utf8)])
    func badTemplate(template: [UInt8]?) async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let error = await #expect(throws: RuntimeError.self) {
                try await h.apis.pipelineService(objects: InMemoryObjectStore()).start(Self.request(), template: template)
            }
            #expect(error?.code == "invalid")
            #expect(error?.disposition == .stalled)
            #expect(await h.vertex.pipelineJobCount() == 0)
        }
    }

    @Test("task and artifact names become label values", arguments: [
        ("Trainer", "trainer"), ("Evaluator.Blessing v2", "evaluator_blessing_v2"),
        (String(repeating: "T", count: 70), String(repeating: "t", count: 63)),
    ])
    func normalisedNames(input: String, expected: String) {
        #expect(VertexLabels.normalized(input) == expected)
    }
}
