import Foundation
import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime
import Testing

@Suite("Vertex AI client against the fake")
struct VertexClientTests {
    static let spec: [String: ProtobufValue] = [
        "pipelineInfo": .object(["name": .string("train")]),
        "root": .object(["dag": .object(["tasks": .object(["trainer": .object(["componentRef": .object(["name": .string("comp-trainer")])])])])]),
        "components": .object(["comp-trainer": .object([:])]),
        "schemaVersion": .string("2.1.0"),
    ]

    static func job(_ name: String, labels: [String: String] = ["steward-managed": "true"]) -> Vertex.PipelineJob {
        Vertex.PipelineJob(displayName: name, pipelineSpec: spec,
                           runtimeConfig: .init(gcsOutputDirectory: "gs://bucket/root", parameterValues: ["epochs": .int(3)]),
                           labels: labels)
    }

    @Test("a duplicate pipelineJobId gets 409 and is adopted: one job in the fake")
    func duplicateIDAdopted() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let first = try await h.client.createPipelineJob(Self.job("train"), id: "train-abc-1")
            let second = try await h.client.createPipelineJob(Self.job("train"), id: "train-abc-1")
            #expect(first.outcome == .created)
            #expect(second.outcome == .adopted)
            #expect(second.resource.name == "projects/123456789012/locations/us-central1/pipelineJobs/train-abc-1")
            #expect(await h.vertex.pipelineJobCount() == 1)
            let posts = await h.vertex.requests("POST", pathSuffix: "/pipelineJobs")
            #expect(posts.map(\.status) == [200, 409])
        }
    }

    @Test("25 jobs listed with page size 10 take 3 pages, with the same filter on every page")
    func pagination() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            for index in 0..<25 {
                _ = try await h.client.createPipelineJob(Self.job("run-\(index)"), id: "run-\(index)")
            }
            _ = try await h.client.createPipelineJob(Self.job("other", labels: ["team": "x"]), id: "other")
            let jobs = try await h.client.allPipelineJobs(filter: #"labels.steward-managed="true""#, pageSize: 10)
            #expect(jobs.count == 25)
            #expect(Set(jobs.compactMap(\.name)).count == 25)
            let lists = await h.vertex.requests("GET", pathSuffix: "/pipelineJobs")
            #expect(lists.count == 3)
            #expect(lists.allSatisfy { $0.query["filter"] == #"labels.steward-managed="true""# && $0.query["pageSize"] == "10" })
            #expect(lists.map { $0.query["pageToken"] == nil } == [true, false, false])
        }
    }

    @Test("a job moves PENDING → RUNNING → SUCCEEDED, seen alike by get and list")
    func progressByGetAndList() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let created = try await h.client.createPipelineJob(Self.job("train"), id: "train-1")
            #expect(created.resource.state == .pending)
            #expect(try await h.client.pipelineJob("train-1").state == .pending)
            #expect(try await h.client.allPipelineJobs().first?.state == .running)
            let done = try await h.client.pipelineJob("train-1")
            #expect(done.state == .succeeded)
            #expect(done.endTime.flatMap(Instant.init(rfc3339:)) != nil)
            #expect(try await h.client.allPipelineJobs().first?.state == .succeeded)
        }
    }

    @Test("a model upload's operation is polled until done")
    func operationPolledToDone() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.setOperationPollsUntilDone(3)
            let operation = try await h.client.uploadModel(.init(
                modelId: "model-a", model: .init(displayName: "model-a", artifactUri: "gs://bucket/model",
                                                 containerSpec: .init(imageUri: "us-docker.pkg.dev/p/r/serve:1"))))
            #expect(operation.isDone == false)
            let done = try await h.client.waitUntilDone(operation, what: "upload")
            #expect(done.isDone)
            let response = try #require(try done.decodeResponse(as: Vertex.UploadModelResponse.self))
            #expect(response.model == "projects/123456789012/locations/us-central1/models/model-a")
            let polls = await h.vertex.requests("GET", pathSuffix: operation.name.map { "/" + VertexClient.id(of: $0) } ?? "?")
            #expect(polls.count == 3)
            #expect(try await h.client.model("model-a").displayName == "model-a")
        }
    }

    @Test("a failed operation throws its google.rpc.Code as a bounded code")
    func failedOperation() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.failNextOperation(RPCStatus(code: 9, message: "the artifact folder is empty"))
            let operation = try await h.client.uploadModel(.init(
                modelId: "model-b", model: .init(displayName: "b", containerSpec: .init(imageUri: "img:1"))))
            let error = await #expect(throws: RuntimeError.self) { try await h.client.waitUntilDone(operation, what: "upload") }
            #expect(error?.code == "failed_precondition")
            #expect(error?.message.contains("the artifact folder is empty") == true)
        }
    }

    @Test("google.rpc.Status error bodies map to bounded codes")
    func errorsMapped() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let missing = await #expect(throws: RuntimeError.self) { try await h.client.pipelineJob("nope") }
            #expect(missing?.code == "not_found")
            #expect(missing?.isNotFound == true)
            #expect(missing?.disposition == .stalled)
            #expect(missing?.message.contains("NOT_FOUND") == true)

            await h.vertex.failNext(1, status: 503, retryAfter: "7")
            let unavailable = await #expect(throws: RuntimeError.self) { try await h.client.allPipelineJobs() }
            #expect(unavailable?.code == "unavailable")
            #expect(unavailable?.disposition == .retry)
            #expect(unavailable?.retryAfter == 7)

            await h.vertex.failNext(1, status: 429, retryAfter: nil)
            let limited = await #expect(throws: RuntimeError.self) { try await h.client.allModels() }
            #expect(limited?.code == "rate_limited")

            let other = VertexClient(project: "someone-else", location: "us-central1", baseURL: h.vertexServer.baseURL,
                                     transport: AsyncHTTPTransport(), logger: FakeHarness.logger)
            let denied = await #expect(throws: RuntimeError.self) { try await other.allEndpoints() }
            #expect(denied?.code == "permission_denied")
        }
    }

    @Test("the fake refuses unknown JSON fields, wrong types and bad enums with 400 INVALID_ARGUMENT")
    func validatorBites() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let url = h.vertexServer.baseURL + "/v1/projects/steward-test/locations/us-central1/pipelineJobs?pipelineJobId=raw-1"
            let bodies = [
                #"{"displayName":"x","pipelineSpec":{},"runtimeConfig":{"gcsOutputDirectory":"gs://b/r"},"bogusField":1}"#,
                #"{"displayName":"x","pipelineSpec":{},"runtimeConfig":{"gcsOutputDirectory":"gs://b/r","pipelineRoot":"gs://b"}}"#,
                #"{"displayName":"x","pipelineSpec":{},"runtimeConfig":{"gcsOutputDirectory":"gs://b/r","failurePolicy":"FAIL_SOMETIMES"}}"#,
                #"{"displayName":7,"pipelineSpec":{},"runtimeConfig":{"gcsOutputDirectory":"gs://b/r"}}"#,
                #"{"displayName":"x","runtimeConfig":{"gcsOutputDirectory":"gs://b/r"}}"#,
            ]
            for body in bodies {
                let response = try await AsyncHTTPTransport().send(APIRequest(
                    method: "POST", url: url, headers: [(name: "Content-Type", value: "application/json")],
                    body: Array(body.utf8), service: "test"))
                #expect(response.status == 400, "\(body)")
                let error = try JSONDecoder().decode(RPCStatus.Envelope.self, from: Data(response.body)).error
                #expect(error.status == "INVALID_ARGUMENT")
                #expect(error.code == 400)
            }
            let unknown = await h.vertex.requests.first
            #expect(unknown.map { String(decoding: $0.body, as: UTF8.self).contains("bogusField") } == true)
            #expect(await h.vertex.pipelineJobCount() == 0)

            // int64 fields must be strings: a number is refused.
            let schema = try DiscoverySchema(fixture: "aiplatform.v1.fragment.json")
            let stats = try ProtobufValue(json: Array(#"{"displayName":"j","completionStats":{"successfulCount":42}}"#.utf8))
            #expect(!schema.violations(ofBody: stats, method: "aiplatform.projects.locations.batchPredictionJobs.create").isEmpty)
            let good = try ProtobufValue(json: Array(#"{"displayName":"j","completionStats":{"successfulCount":"42"}}"#.utf8))
            #expect(schema.violations(ofBody: good, method: "aiplatform.projects.locations.batchPredictionJobs.create").isEmpty)
        }
    }

    @Test("every body the client sends passes the discovery schema")
    func clientBodiesValidate() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            _ = try await h.client.createPipelineJob(Self.job("train"), id: "train-2")
            let upload = try await h.client.uploadModel(.init(modelId: "m", model: .init(displayName: "m", containerSpec: .init(imageUri: "i:1"), labels: ["a": "b"])))
            _ = try await h.client.waitUntilDone(upload, what: "upload")
            let create = try await h.client.createEndpoint(.init(displayName: "e", labels: ["steward-managed": "true"]), id: "ep")
            _ = try await h.client.waitUntilDone(create, what: "create")
            let deploy = try await h.client.deployModel(endpoint: "ep", .init(
                deployedModel: .init(model: h.client.resourceName("models", "m"), displayName: "m",
                                     dedicatedResources: .init(machineSpec: .init(machineType: "n1-standard-2"), minReplicaCount: 1, maxReplicaCount: 1)),
                trafficSplit: ["0": 100]))
            _ = try await h.client.waitUntilDone(deploy, what: "deploy")
            _ = try await h.client.createBatchPredictionJob(.init(
                displayName: "b", model: h.client.resourceName("models", "m"),
                inputConfig: .init(instancesFormat: "jsonl", gcsSource: .init(uris: ["gs://b/i.jsonl"])),
                outputConfig: .init(predictionsFormat: "jsonl", gcsDestination: .init(outputUriPrefix: "gs://b/o")),
                dedicatedResources: .init(machineSpec: .init(machineType: "n1-standard-2"), startingReplicaCount: 1, maxReplicaCount: 2)))
            let schema = try DiscoverySchema(fixture: "aiplatform.v1.fragment.json")
            let methods = ["/pipelineJobs": "aiplatform.projects.locations.pipelineJobs.create",
                           "/models:upload": "aiplatform.projects.locations.models.upload",
                           "/endpoints": "aiplatform.projects.locations.endpoints.create",
                           ":deployModel": "aiplatform.projects.locations.endpoints.deployModel",
                           "/batchPredictionJobs": "aiplatform.projects.locations.batchPredictionJobs.create"]
            let posts = await h.vertex.requests.filter { $0.method == "POST" }
            #expect(posts.count == 5)
            for post in posts {
                let method = try #require(methods.first { post.path.hasSuffix($0.key) }?.value)
                let body = try #require(post.json)
                #expect(schema.violations(ofBody: body, method: method).isEmpty, "\(post.path)")
                #expect(post.status == 200)
            }
        }
    }

    @Test("deploy replaces the \"0\" key, a stale etag is refused, undeploy moves the traffic")
    func deployTrafficUndeploy() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "old", displayName: "old")
            await h.vertex.seedModel(id: "new", displayName: "new")
            _ = try await h.client.waitUntilDone(try await h.client.createEndpoint(.init(displayName: "serve"), id: "serve"), what: "create")
            func deploy(_ model: String, _ split: [String: Int]) async throws -> String {
                let operation = try await h.client.deployModel(endpoint: "serve", .init(
                    deployedModel: .init(model: h.client.resourceName("models", model), displayName: model,
                                         dedicatedResources: .init(machineSpec: .init(machineType: "n1-standard-2"), minReplicaCount: 1)),
                    trafficSplit: split))
                let done = try await h.client.waitUntilDone(operation, what: "deploy")
                return try #require(try done.decodeResponse(as: Vertex.DeployModelResponse.self)?.deployedModel?.id)
            }
            let oldID = try await deploy("old", ["0": 100])
            #expect(try await h.client.endpoint("serve").trafficSplit == [oldID: 100])
            let newID = try await deploy("new", ["0": 10, oldID: 90])
            let endpoint = try await h.client.endpoint("serve")
            #expect(endpoint.trafficSplit == [newID: 10, oldID: 90])
            #expect(endpoint.deployedModels?.count == 2)

            let stale = await #expect(throws: RuntimeError.self) {
                try await h.client.setTrafficSplit(endpoint: "serve", [newID: 100], etag: "etag-0")
            }
            #expect(stale?.code == "aborted")
            let patched = try await h.client.setTrafficSplit(endpoint: "serve", [newID: 100, oldID: 0], etag: endpoint.etag)
            #expect(patched.trafficSplit?[newID] == 100)

            let undeploy = try await h.client.undeployModel(endpoint: "serve", .init(deployedModelId: oldID, trafficSplit: [newID: 100]))
            _ = try await h.client.waitUntilDone(undeploy, what: "undeploy")
            let after = try await h.client.endpoint("serve")
            #expect(after.deployedModels?.compactMap(\.id) == [newID])
            #expect(after.trafficSplit == [newID: 100])
        }
    }

    @Test("undeploying a model that still has traffic is refused")
    func undeployWithTraffic() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "a", displayName: "a")
            await h.vertex.seedModel(id: "b", displayName: "b")
            _ = try await h.client.waitUntilDone(try await h.client.createEndpoint(.init(displayName: "e"), id: "e"), what: "create")
            var ids: [String] = []
            for (model, split) in [("a", ["0": 100]), ("b", ["0": 50])] {
                var traffic = split
                if let first = ids.first { traffic[first] = 50 }
                let operation = try await h.client.deployModel(endpoint: "e", .init(
                    deployedModel: .init(model: h.client.resourceName("models", model),
                                         dedicatedResources: .init(machineSpec: .init(machineType: "n1-standard-2"), minReplicaCount: 1)),
                    trafficSplit: traffic))
                let done = try await h.client.waitUntilDone(operation, what: "deploy")
                ids.append(try #require(try done.decodeResponse(as: Vertex.DeployModelResponse.self)?.deployedModel?.id))
            }
            let error = await #expect(throws: RuntimeError.self) {
                try await h.client.undeployModel(endpoint: "e", .init(deployedModelId: ids[0]))
            }
            #expect(error?.code == "failed_precondition")
        }
    }

    @Test("batch prediction jobs list by label across pages")
    func batchJobsByLabel() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.vertex.seedModel(id: "m", displayName: "m")
            await h.vertex.setMaximumPageSize(2)
            for index in 0..<5 {
                _ = try await h.client.createBatchPredictionJob(.init(
                    displayName: "job-\(index)", model: h.client.resourceName("models", "m"),
                    inputConfig: .init(instancesFormat: "file-list", gcsSource: .init(uris: ["gs://b/list.txt"])),
                    outputConfig: .init(predictionsFormat: "jsonl", gcsDestination: .init(outputUriPrefix: "gs://b/out")),
                    labels: ["steward-key": index % 2 == 0 ? "even" : "odd"]))
            }
            let even = try await h.client.allBatchPredictionJobs(filter: ListFilter.labels(["steward-key": "even"]))
            #expect(Set(even.compactMap(\.displayName)) == ["job-0", "job-2", "job-4"])
            #expect(await h.vertex.requests("GET", pathSuffix: "/batchPredictionJobs").count == 2)
        }
    }
}
