import StewardCore
import StewardFakes
@testable import StewardGoogleCloud
import StewardRuntime
import Testing

@Suite("Vertex model registry, endpoints and batch prediction against the fake")
struct VertexModelServicesTests {
    static func upload(_ id: String) -> UploadModel {
        UploadModel(modelID: id, displayName: id, pipeline: "cifar10-training", runID: id,
                    artifactURI: "gs://bucket/root/\(id)/Trainer_1/model", servingImage: "us-docker.pkg.dev/p/r/serve:1",
                    labels: ["steward-managed": "true", "steward-resource": "cifar10-training", "steward-key": "k-\(id)",
                             "steward-run": id])
    }

    static func deploy(_ model: String, split: [String: Int]) -> DeployModel {
        DeployModel(endpoint: "serving", modelID: model, deployedDisplayName: model, machineType: "n1-standard-4",
                    minReplicas: 1, maxReplicas: 2, trafficSplit: split)
    }

    @Test("a model upload waits for its operation; a repeat is adopted; models are observed by label")
    func uploadAndObserve() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let registry = h.apis.modelRegistry()
            #expect(try await registry.upload(Self.upload("run-a-1")) == .created)
            #expect(try await registry.upload(Self.upload("run-a-1")) == .adopted)
            #expect(await h.vertex.modelCount() == 1)
            let models = try await registry.observeModels()
            #expect(models.count == 1)
            #expect(models.first?.id == "run-a-1")
            #expect(models.first?.resourceName == "projects/123456789012/locations/us-central1/models/run-a-1")
            #expect(models.first?.pipeline == "cifar10-training")
            #expect(models.first?.runID == "run-a-1")
            #expect(models.first?.artifactURI == "gs://bucket/root/run-a-1/Trainer_1/model")
            let body = try #require(await h.vertex.requests("POST", pathSuffix: "/models:upload").first?.json)
            #expect(body["model"]?["containerSpec"]?["imageUri"] == .string("us-docker.pkg.dev/p/r/serve:1"))
        }
    }

    @Test("endpoint: create once, deploy, canary, promote, undeploy")
    func endpointRollout() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "model-a", displayName: "model-a")
            await h.vertex.seedModel(id: "model-b", displayName: "model-b")
            let service = h.apis.endpointService()
            let create = CreateEndpoint(resource: "serving", displayName: "Serving",
                                        labels: ["steward-managed": "true", "steward-resource": "serving"])
            #expect(try await service.create(create) == .created)
            #expect(try await service.create(create) == .adopted)
            #expect(await h.vertex.endpointCount() == 1)

            #expect(try await service.deploy(Self.deploy("model-a", split: ["0": 100])) == .created)
            #expect(try await service.deploy(Self.deploy("model-a", split: ["0": 100])) == .adopted)
            let first = try #require(try await service.observeEndpoints().first)
            #expect(first.resource == "serving")
            #expect(first.displayName == "Serving")
            let a = try #require(first.deployedModels.first { $0.modelID == "model-a" })
            #expect(first.trafficSplit == [a.id: 100])

            #expect(try await service.deploy(Self.deploy("model-b", split: ["0": 10, a.id: 90])) == .created)
            let canary = try #require(try await service.observeEndpoints().first)
            let b = try #require(canary.deployedModels.first { $0.modelID == "model-b" })
            #expect(canary.trafficSplit == [b.id: 10, a.id: 90])
            let deployBody = try #require(await h.vertex.requests("POST", pathSuffix: ":deployModel").last?.json)
            #expect(deployBody["trafficSplit"]?["0"] == .int(10))

            try await service.setTraffic(SetTraffic(endpoint: "serving", trafficSplit: [b.id: 100, a.id: 0]))
            #expect(try await service.observeEndpoints().first?.trafficSplit[b.id] == 100)

            try await service.undeploy(UndeployModel(endpoint: "serving", deployedModelID: a.id, modelID: "model-a"))
            let after = try #require(try await service.observeEndpoints().first)
            #expect(after.deployedModels.map(\.modelID) == ["model-b"])
            #expect(after.trafficSplit == [b.id: 100])
            // Gone already: not an error, and no call.
            try await service.undeploy(UndeployModel(endpoint: "serving", deployedModelID: a.id, modelID: "model-a"))
            #expect(await h.vertex.requests("POST", pathSuffix: ":undeployModel").count == 1)
        }
    }

    @Test("a deploy interrupted before its operation ended is adopted, not repeated")
    func interruptedDeployAdopted() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "model-a", displayName: "model-a")
            let service = h.apis.endpointService()
            _ = try await service.create(CreateEndpoint(resource: "serving", displayName: "Serving", labels: [:]))
            let endpoint = try #require(try await service.find("serving")?.name)
            // The first attempt: the request went out, then the process died before the operation ended.
            _ = try await h.client.deployModel(endpoint: endpoint, .init(
                deployedModel: .init(id: VertexEndpointService.deployedModelID(endpoint: "serving", model: "model-a"),
                                     model: h.client.resourceName("models", "model-a"),
                                     dedicatedResources: .init(machineSpec: .init(machineType: "n1-standard-4"), minReplicaCount: 1)),
                trafficSplit: ["0": 100]))
            #expect(try await service.deploy(Self.deploy("model-a", split: ["0": 100])) == .adopted)
            let statuses = await h.vertex.requests("POST", pathSuffix: ":deployModel").map(\.status)
            #expect(statuses == [200, 409])
        }
    }

    @Test("deploy to an endpoint that does not exist yet is a retryable not_found")
    func deployWithoutEndpoint() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let error = await #expect(throws: RuntimeError.self) {
                try await h.apis.endpointService().deploy(Self.deploy("model-a", split: ["0": 100]))
            }
            #expect(error?.code == "not_found")
            #expect(error?.disposition == .retry)
        }
    }

    static func batch(format: EvaluationSpec.InstancesFormat = .fileList) -> BatchPredict {
        let output = StorageURI(bucket: "bucket", path: "evaluations/drift/drift-2026-11-abcd1234")
        return BatchPredict(
            displayName: "drift-2026-11-abcd1234", key: "abcd1234abcd1234abcd1234abcd1234", evaluation: "drift",
            batch: StorageURI(bucket: "data", path: "collect/2026-11"),
            instances: [StorageURI(bucket: "data", path: "collect/2026-11/cat_1.png"),
                        StorageURI(bucket: "data", path: "collect/2026-11/dog_2.png")],
            instancesFormat: format, modelID: "model-a",
            modelResourceName: "projects/123456789012/locations/us-central1/models/model-a", output: output,
            machineType: "n1-standard-4", startingReplicaCount: 1, maxReplicaCount: 3, serviceAccount: nil,
            localCommand: nil,
            labels: ["steward-managed": "true", "steward-resource": "drift", "steward-key": "abcd1234abcd1234abcd1234abcd1234",
                     "steward-model": "model-a", "steward-batch": "2026-11"])
    }

    @Test("a batch job started again after an interrupted start is adopted by its key")
    func batchAdoptedAfterInterruption() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "model-a", displayName: "model-a")
            let objects = InMemoryObjectStore()
            let service = h.apis.batchPredictionService(objects: objects)
            #expect(try await service.start(Self.batch()) == .created)
            // The process died before recording the start: the next reconcile starts it again.
            #expect(try await service.start(Self.batch()) == .adopted)
            #expect(await h.vertex.batchJobCount() == 1)
            let lists = await h.vertex.requests("GET", pathSuffix: "/batchPredictionJobs")
            #expect(lists.first?.query["filter"] == #"labels.steward-key="abcd1234abcd1234abcd1234abcd1234""#)

            let list = StorageURI(bucket: "bucket", path: "evaluations/drift/drift-2026-11-abcd1234-instances.txt")
            let text = String(decoding: try #require(await objects.objects[list]), as: UTF8.self)
            #expect(text == "gs://data/collect/2026-11/cat_1.png\ngs://data/collect/2026-11/dog_2.png\n")
            let body = try #require(await h.vertex.requests("POST", pathSuffix: "/batchPredictionJobs").first?.json)
            #expect(body["inputConfig"]?["instancesFormat"] == .string("file-list"))
            #expect(body["inputConfig"]?["gcsSource"]?["uris"] == .array([.string(list.description)]))
            #expect(body["outputConfig"]?["gcsDestination"]?["outputUriPrefix"] == .string("gs://bucket/evaluations/drift/drift-2026-11-abcd1234"))
            #expect(body["model"] == .string("projects/123456789012/locations/us-central1/models/model-a"))
        }
    }

    @Test("batch jobs are observed with their output directory once they succeed")
    func batchObserved() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "model-a", displayName: "model-a")
            let service = h.apis.batchPredictionService(objects: InMemoryObjectStore())
            _ = try await service.start(Self.batch(format: .jsonl))
            let body = try #require(await h.vertex.requests("POST", pathSuffix: "/batchPredictionJobs").first?.json)
            #expect(body["inputConfig"]?["gcsSource"]?["uris"]?.arrayValue?.count == 2)

            #expect(try await service.observeJobs().first?.state == .pending)
            #expect(try await service.observeJobs().first?.state == .running)
            let job = try #require(try await service.observeJobs().first)
            #expect(job.state == .succeeded)
            #expect(job.evaluation == "drift")
            #expect(job.key == "abcd1234abcd1234abcd1234abcd1234")
            #expect(job.displayName == "drift-2026-11-abcd1234")
            #expect(job.outputURI?.hasPrefix("gs://bucket/evaluations/drift/drift-2026-11-abcd1234/prediction-model-a-") == true)
        }
    }
}
