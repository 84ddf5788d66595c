import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local endpoint service")
struct LocalEndpointServiceTests {
    static let createdAt = Instant(millisecondsSinceEpoch: 1_790_000_000_000)

    /// A layout with the models `m-a` and `m-b` uploaded, and the endpoint `serving` created.
    func setUp(_ folder: TemporaryFolder) async throws -> LocalEndpointService {
        let layout = folder.layout
        let registry = LocalModelRegistry(layout: layout, logger: testLogger)
        for id in ["m-a", "m-b"] {
            let artifact = try writeArtifact(layout, path: "runs/\(id)/model", weights: id)
            _ = try await registry.upload(uploadRequest(id: id, artifactURI: artifact))
        }
        let service = LocalEndpointService(layout: layout, logger: testLogger, now: { Self.createdAt })
        #expect(try await service.create(CreateEndpoint(resource: "serving", displayName: "Serving",
                                                         labels: ["steward-resource": "serving"])) == .created)
        return service
    }

    func deploy(_ model: String, split: [String: Int]) -> DeployModel {
        DeployModel(endpoint: "serving", modelID: model, deployedDisplayName: "serving-\(model)", machineType: "n1-standard-2",
                    minReplicas: 1, maxReplicas: 1, trafficSplit: split)
    }

    func endpoint(_ service: LocalEndpointService) async throws -> ObservedEndpoint {
        try #require(try await service.observeEndpoints().first { $0.resource == "serving" })
    }

    @Test("create records an empty endpoint; creating it again adopts it unchanged")
    func create() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)
        #expect(try await service.create(CreateEndpoint(resource: "serving", displayName: "Other", labels: [:])) == .adopted)

        #expect(try await service.observeEndpoints() == [
            ObservedEndpoint(resource: "serving", id: "serving", displayName: "Serving", deployedModels: [], trafficSplit: [:]),
        ])
        let record = try EndpointRecord.decode(Array(Data(contentsOf: URL(fileURLWithPath: folder.path + "/local/endpoints/serving.json"))))
        #expect(record.labels == ["steward-resource": "serving"])
    }

    @Test("deploying with \"0\" gives the first model 100, then a second model 30 of 100")
    func deploySplits() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)

        #expect(try await service.deploy(deploy("m-a", split: ["0": 100])) == .created)
        var observed = try await endpoint(service)
        #expect(observed.deployedModels == [.init(id: "d-m-a", modelID: "m-a", createdAt: Self.createdAt)])
        #expect(observed.trafficSplit == ["d-m-a": 100])

        #expect(try await service.deploy(deploy("m-b", split: ["d-m-a": 70, "0": 30])) == .created)
        observed = try await endpoint(service)
        #expect(observed.deployedModels.map(\.id) == ["d-m-a", "d-m-b"])
        #expect(observed.deployedModels.map(\.modelID) == ["m-a", "m-b"])
        #expect(observed.trafficSplit == ["d-m-a": 70, "d-m-b": 30])

        // Deploying a deployed model again adopts it and leaves the split alone.
        #expect(try await service.deploy(deploy("m-b", split: ["0": 100])) == .adopted)
        #expect(try await endpoint(service).trafficSplit == ["d-m-a": 70, "d-m-b": 30])
    }

    @Test("an empty split on the first deployment gives it all the traffic")
    func deployWithoutSplit() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)
        #expect(try await service.deploy(deploy("m-a", split: [:])) == .created)
        #expect(try await endpoint(service).trafficSplit == ["d-m-a": 100])
    }

    @Test("invalid splits, an unknown model and an unknown endpoint are refused and change nothing")
    func refused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)
        _ = try await service.deploy(deploy("m-a", split: ["0": 100]))
        let before = try await endpoint(service)

        for split in [["d-m-a": 60, "0": 30], ["d-m-x": 50, "0": 50], ["d-m-a": 120, "0": -20]] {
            let error = await #expect(throws: RuntimeError.self) { try await service.deploy(deploy("m-b", split: split)) }
            #expect(error?.code == "invalid", "\(split)")
        }
        for split in [["d-m-a": 90], ["d-m-a": 50, "d-m-b": 50], [:]] {
            let error = await #expect(throws: RuntimeError.self) {
                try await service.setTraffic(SetTraffic(endpoint: "serving", trafficSplit: split))
            }
            #expect(error?.code == "invalid", "\(split)")
        }
        let sum = await #expect(throws: RuntimeError.self) {
            try await service.setTraffic(SetTraffic(endpoint: "serving", trafficSplit: ["d-m-a": 90]))
        }
        #expect(sum?.message == "the traffic split for endpoint 'serving' sums to 90%, not 100%")

        let missingModel = await #expect(throws: RuntimeError.self) { try await service.deploy(deploy("m-none", split: ["0": 100])) }
        #expect(missingModel?.code == "not_found")
        let missingEndpoint = await #expect(throws: RuntimeError.self) {
            try await service.setTraffic(SetTraffic(endpoint: "elsewhere", trafficSplit: [:]))
        }
        #expect(missingEndpoint?.code == "not_found")
        #expect(try await endpoint(service) == before)
    }

    @Test("setTraffic moves traffic; undeploy refuses a model with traffic and removes one without")
    func trafficAndUndeploy() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)
        _ = try await service.deploy(deploy("m-a", split: ["0": 100]))
        _ = try await service.deploy(deploy("m-b", split: ["d-m-a": 70, "0": 30]))

        let refused = await #expect(throws: RuntimeError.self) {
            try await service.undeploy(UndeployModel(endpoint: "serving", deployedModelID: "d-m-a", modelID: "m-a"))
        }
        #expect(refused?.code == "failed_precondition")
        #expect(refused?.message.contains("70%") == true)
        #expect(try await endpoint(service).deployedModels.count == 2)

        try await service.setTraffic(SetTraffic(endpoint: "serving", trafficSplit: ["d-m-a": 0, "d-m-b": 100]))
        #expect(try await endpoint(service).trafficSplit == ["d-m-a": 0, "d-m-b": 100])

        try await service.undeploy(UndeployModel(endpoint: "serving", deployedModelID: "d-m-a", modelID: "m-a"))
        let observed = try await endpoint(service)
        #expect(observed.deployedModels.map(\.id) == ["d-m-b"])
        #expect(observed.trafficSplit == ["d-m-b": 100])
        // One already gone is fine.
        try await service.undeploy(UndeployModel(endpoint: "serving", deployedModelID: "d-m-a", modelID: "m-a"))
        #expect(try await endpoint(service) == observed)
    }

    @Test("observing lists every endpoint by resource name")
    func observe() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try await setUp(folder)
        _ = try await service.create(CreateEndpoint(resource: "canary", displayName: "Canary", labels: [:]))
        _ = try await service.deploy(deploy("m-b", split: ["0": 100]))
        let observed = try await service.observeEndpoints()
        #expect(observed.map(\.resource) == ["canary", "serving"])
        #expect(observed.map(\.displayName) == ["Canary", "Serving"])
        #expect(observed[0].deployedModels.isEmpty && observed[0].trafficSplit.isEmpty)
        #expect(observed[1].trafficSplit == ["d-m-b": 100])
    }
}
