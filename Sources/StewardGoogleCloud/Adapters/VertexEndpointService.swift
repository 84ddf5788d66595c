import Logging
import StewardCore
import StewardRuntime

/// Serving endpoints on Vertex AI, found by the labels `steward-managed` and `steward-resource` (the
/// Endpoint's name in the manifests).
///
/// Creates use a deterministic `endpointId` (`steward-<resource>`, shortened with a hash when long) and
/// deploys a deterministic deployed-model id (ten digits from a hash of the endpoint and model), so a repeat
/// after a crash meets 409 and adopts instead of making a twin.
public struct VertexEndpointService: EndpointService {
    public let client: VertexClient
    private let logger: Logger

    public init(client: VertexClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func observeEndpoints() async throws -> [ObservedEndpoint] {
        let endpoints = try await client.allEndpoints(filter: VertexLabels.managedFilter)
        return endpoints.compactMap(Self.observedEndpoint).sorted { $0.resource < $1.resource }
    }

    public func create(_ request: CreateEndpoint) async throws -> StartOutcome {
        if try await find(request.resource) != nil { return .adopted }
        var labels = request.labels
        labels[StewardLabel.managed] = StewardLabel.managedValue
        labels[StewardLabel.resource] = request.resource
        try VertexLabels.validate(labels, on: "endpoint '\(request.resource)'")
        let id = Self.endpointID(for: request.resource)
        do {
            let operation = try await client.createEndpoint(Vertex.Endpoint(displayName: request.displayName, labels: labels),
                                                            id: id)
            _ = try await client.waitUntilDone(operation, what: "creation of endpoint '\(request.resource)'")
        } catch let error as RuntimeError where error.code == "already_exists" {
            let existing = try await client.endpoint(id)
            guard existing.labels?[StewardLabel.resource] == request.resource else {
                throw RuntimeError(code: "already_exists", message: "endpoint id '\(id)' is taken by an endpoint Steward does not manage; remove it or rename the Endpoint '\(request.resource)'", disposition: .stalled)
            }
            return .adopted
        }
        logger.debug("created endpoint", metadata: ["endpoint": "\(request.resource)", "id": "\(id)"])
        return .created
    }

    public func deploy(_ request: DeployModel) async throws -> StartOutcome {
        let endpoint = try await required(request.endpoint)
        if (endpoint.deployedModels ?? []).contains(where: { Self.modelID(of: $0) == request.modelID }) { return .adopted }
        let deployed = Vertex.DeployedModel(
            id: Self.deployedModelID(endpoint: request.endpoint, model: request.modelID),
            model: client.resourceName("models", request.modelID), displayName: request.deployedDisplayName,
            dedicatedResources: .init(machineSpec: .init(machineType: request.machineType),
                                      minReplicaCount: request.minReplicas, maxReplicaCount: request.maxReplicas))
        do {
            let operation = try await client.deployModel(
                endpoint: endpoint.name ?? request.endpoint,
                Vertex.DeployModelRequest(deployedModel: deployed, trafficSplit: request.trafficSplit))
            _ = try await client.waitUntilDone(operation, what: "deployment of model '\(request.modelID)' on '\(request.endpoint)'")
        } catch let error as RuntimeError where error.code == "already_exists" {
            logger.debug("adopted deployment", metadata: ["endpoint": "\(request.endpoint)", "model": "\(request.modelID)"])
            return .adopted
        }
        logger.debug("deployed model", metadata: ["endpoint": "\(request.endpoint)", "model": "\(request.modelID)"])
        return .created
    }

    public func setTraffic(_ request: SetTraffic) async throws {
        let endpoint = try await required(request.endpoint)
        _ = try await client.setTrafficSplit(endpoint: endpoint.name ?? request.endpoint, request.trafficSplit,
                                             etag: endpoint.etag)
        logger.debug("set traffic", metadata: ["endpoint": "\(request.endpoint)"])
    }

    public func undeploy(_ request: UndeployModel) async throws {
        guard let endpoint = try await find(request.endpoint),
              let deployed = endpoint.deployedModels, deployed.contains(where: { $0.id == request.deployedModelID }) else {
            return
        }
        var split: [String: Int]? = (endpoint.trafficSplit ?? [:]).filter { $0.key != request.deployedModelID }
        if deployed.count == 1 {
            split = nil  // The last model: the service empties the split.
        } else if let rest = split, rest.values.reduce(0, +) != 100 {
            throw RuntimeError(code: "failed_precondition", message: "deployed model '\(request.deployedModelID)' on endpoint '\(request.endpoint)' still has \(endpoint.trafficSplit?[request.deployedModelID] ?? 0)% of the traffic; set the traffic first", disposition: .stalled)
        }
        do {
            let operation = try await client.undeployModel(
                endpoint: endpoint.name ?? request.endpoint,
                Vertex.UndeployModelRequest(deployedModelId: request.deployedModelID, trafficSplit: split))
            _ = try await client.waitUntilDone(operation, what: "undeployment of '\(request.deployedModelID)' from '\(request.endpoint)'")
        } catch let error as RuntimeError where error.isNotFound {
            return
        }
        logger.debug("undeployed model", metadata: ["endpoint": "\(request.endpoint)", "deployed": "\(request.deployedModelID)"])
    }

    // MARK: Lookup and mapping

    /// The endpoint Steward manages for a resource.
    func find(_ resource: String) async throws -> Vertex.Endpoint? {
        let filter = ListFilter.labels([StewardLabel.managed: StewardLabel.managedValue, StewardLabel.resource: resource])
        return try await client.allEndpoints(filter: filter).first
    }

    func required(_ resource: String) async throws -> Vertex.Endpoint {
        guard let endpoint = try await find(resource) else {
            throw RuntimeError(code: "not_found", message: "no endpoint of Endpoint '\(resource)' exists yet", disposition: .retry)
        }
        return endpoint
    }

    /// `steward-<resource>`, as Vertex takes endpoint ids (a letter first, `[a-z0-9-]`, at most 63, ending
    /// with a letter or digit); shortened with a hash when longer.
    static func endpointID(for resource: String) -> String {
        let cleaned = "steward-" + String(resource.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        if cleaned.count <= 63, cleaned.last != "-" { return cleaned }
        return String(cleaned.prefix(50)) + "-" + ContentKey.digest(of: resource).prefix(12)
    }

    /// Ten digits, not starting with 0, from a hash of the endpoint and model.
    static func deployedModelID(endpoint: String, model: String) -> String {
        let hex = ContentKey.digest(of: "endpoint=\(endpoint)\nmodel=\(model)").prefix(15)
        let number = UInt64(hex, radix: 16) ?? 0
        return String(1_000_000_000 + number % 9_000_000_000)
    }

    /// The model id of a deployment (the last segment of the model's name, without `@version`).
    static func modelID(of deployed: Vertex.DeployedModel) -> String {
        let last = VertexClient.id(of: deployed.model ?? "")
        return String(last.split(separator: "@").first ?? Substring(last))
    }

    static func observedEndpoint(_ endpoint: Vertex.Endpoint) -> ObservedEndpoint? {
        guard let name = endpoint.name, let resource = endpoint.labels?[StewardLabel.resource] else { return nil }
        let deployed = (endpoint.deployedModels ?? []).compactMap { model -> ObservedEndpoint.DeployedModel? in
            guard let id = model.id else { return nil }
            return .init(id: id, modelID: modelID(of: model), createdAt: model.createTime.flatMap(Instant.init(rfc3339:)))
        }
        return ObservedEndpoint(resource: resource, id: VertexClient.id(of: name), displayName: endpoint.displayName ?? "",
                                deployedModels: deployed, trafficSplit: endpoint.trafficSplit ?? [:])
    }
}
