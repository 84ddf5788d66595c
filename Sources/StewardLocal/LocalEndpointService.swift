import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Endpoints as records: `endpoints/<resource>.json` holds an endpoint's deployed models and its
/// traffic split. Nothing serves: the record is what a deployment would be on Vertex.
///
/// The endpoint id is the resource name; a deployed model's id is `d-<model id>`, so deploying a
/// model twice finds the first deployment. Every change reads, checks and rewrites the record
/// (atomically) under an exclusive lock on `endpoints/`, so concurrent changes never lose one another.
/// Traffic splits are checked as Vertex checks them: they name only deployed models, each share is
/// 0–100, and they sum to 100 while anything is deployed.
public final class LocalEndpointService: EndpointService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    /// An endpoint service under `layout`'s root; `now` stamps endpoints and deployments.
    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
    }

    /// The deployed model id of a model: `d-<model id>`.
    public static func deployedModelID(forModel modelID: String) -> String { "d-" + modelID }

    /// Every endpoint under `endpoints/`, by resource name.
    public func observeEndpoints() async throws -> [ObservedEndpoint] {
        let folder = layout.endpoints
        let endpoints = try await Blocking.run {
            try LocalFiles.entries(of: folder)
                .filter { !$0.isDirectory && $0.name.hasSuffix(".json") && !$0.name.hasPrefix(".") }
                .compactMap { try? EndpointRecord.decode(LocalFiles.read(folder + "/" + $0.name)).observed }
                .sorted { $0.resource < $1.resource }
        }
        logger.debug("observed endpoints", metadata: ["endpoints": "\(endpoints.count)"])
        return endpoints
    }

    /// Records an endpoint with nothing deployed; an existing one is adopted as it is.
    public func create(_ request: CreateEndpoint) async throws -> StartOutcome {
        try Self.checkName(request.resource)
        let path = layout.endpoint(resource: request.resource)
        let record = EndpointRecord(resource: request.resource, id: request.resource, displayName: request.displayName,
                                    labels: request.labels, createdAt: now(), deployedModels: [], trafficSplit: [:])
        let outcome = try await locked { () throws -> StartOutcome in
            try LocalFiles.createExclusively(record.encoded(), at: path) ? .created : .adopted
        }
        logger.debug("created endpoint", metadata: ["endpoint": "\(request.resource)", "endpoint.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    /// Adds `d-<model id>` to the endpoint and applies the request's traffic split (`"0"` is this
    /// deployment); an empty split leaves the split as it is, except that the first model gets all
    /// the traffic. A model deployed there already is adopted, split unchanged.
    public func deploy(_ request: DeployModel) async throws -> StartOutcome {
        try Self.checkName(request.endpoint)
        let deployedID = Self.deployedModelID(forModel: request.modelID)
        let path = layout.endpoint(resource: request.endpoint)
        let modelRecord = layout.model(id: request.modelID) + "/" + ModelRecord.fileName
        let createdAt = now()
        let outcome = try await locked { () throws -> StartOutcome in
            var record = try Self.load(path, endpoint: request.endpoint)
            if record.deployedModels.contains(where: { $0.id == deployedID }) { return .adopted }
            guard LocalImageBuilder.isSafeName(request.modelID), LocalFiles.isFile(modelRecord) else {
                throw RuntimeError(code: "not_found",
                                   message: "model '\(request.modelID)' to deploy on endpoint '\(request.endpoint)' does not exist; upload it first")
            }
            var split = request.trafficSplit
            if let share = split.removeValue(forKey: "0") {
                guard split[deployedID] == nil else {
                    throw Self.invalid("the traffic split for endpoint '\(request.endpoint)' names the model being deployed both as \"0\" and as '\(deployedID)'")
                }
                split[deployedID] = share
            }
            if split.isEmpty { split = record.trafficSplit.isEmpty ? [deployedID: 100] : record.trafficSplit }
            let deployed = record.deployedModels.map(\.id) + [deployedID]
            try Self.validate(split, deployed: deployed, endpoint: request.endpoint)
            record.deployedModels.append(ObservedEndpoint.DeployedModel(id: deployedID, modelID: request.modelID, createdAt: createdAt))
            record.trafficSplit = split
            try LocalFiles.writeAtomically(record.encoded(), to: path)
            return .created
        }
        logger.debug("deployed model", metadata: ["endpoint": "\(request.endpoint)", "model.id": "\(request.modelID)",
                                                  "deploy.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    /// Replaces the endpoint's traffic split.
    public func setTraffic(_ request: SetTraffic) async throws {
        try Self.checkName(request.endpoint)
        let path = layout.endpoint(resource: request.endpoint)
        try await locked {
            var record = try Self.load(path, endpoint: request.endpoint)
            try Self.validate(request.trafficSplit, deployed: record.deployedModels.map(\.id), endpoint: request.endpoint)
            guard record.trafficSplit != request.trafficSplit else { return }
            record.trafficSplit = request.trafficSplit
            try LocalFiles.writeAtomically(record.encoded(), to: path)
        }
        logger.debug("set traffic", metadata: ["endpoint": "\(request.endpoint)", "traffic": "\(request.trafficSplit)"])
    }

    /// Removes a deployed model that has no traffic left (`failed_precondition` while it has some);
    /// one that is not deployed there is fine.
    public func undeploy(_ request: UndeployModel) async throws {
        try Self.checkName(request.endpoint)
        let path = layout.endpoint(resource: request.endpoint)
        let removed = try await locked { () throws -> Bool in
            var record = try Self.load(path, endpoint: request.endpoint)
            guard record.deployedModels.contains(where: { $0.id == request.deployedModelID }) else { return false }
            let share = record.trafficSplit[request.deployedModelID] ?? 0
            guard share == 0 else {
                throw RuntimeError(code: "failed_precondition",
                                   message: "deployed model '\(request.deployedModelID)' on endpoint '\(request.endpoint)' still has \(share)% of the traffic; move its traffic to other models before undeploying it",
                                   disposition: .stalled)
            }
            record.deployedModels.removeAll { $0.id == request.deployedModelID }
            record.trafficSplit.removeValue(forKey: request.deployedModelID)
            try LocalFiles.writeAtomically(record.encoded(), to: path)
            return true
        }
        logger.debug("undeployed model", metadata: ["endpoint": "\(request.endpoint)", "deployed.id": "\(request.deployedModelID)",
                                                    "undeploy.removed": "\(removed)"])
    }

    // MARK: - Records

    /// Runs `body` off the cooperative pool with `endpoints/` locked.
    private func locked<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let folder = layout.endpoints
        return try await Blocking.run {
            try LocalFiles.makeDirectories(folder)
            let lock = try DirectoryLock.acquire(folder)
            defer { lock.release() }
            return try body()
        }
    }

    private static func load(_ path: String, endpoint: String) throws -> EndpointRecord {
        do {
            return try EndpointRecord.decode(LocalFiles.read(path))
        } catch let error as RuntimeError where error.isNotFound {
            throw RuntimeError(code: "not_found", message: "endpoint '\(endpoint)' does not exist; create it first")
        } catch let error as DecodingError {
            throw RuntimeError(code: "invalid", message: "cannot read the endpoint record '\(path)': \(error)", disposition: .stalled)
        }
    }

    /// Vertex's rules for a traffic split.
    static func validate(_ split: [String: Int], deployed: [String], endpoint: String) throws {
        let known = Set(deployed)
        for (id, share) in split.sorted(by: { $0.key < $1.key }) {
            guard known.contains(id) else {
                let names = deployed.isEmpty ? "nothing is deployed" : "deployed: " + deployed.sorted().joined(separator: ", ")
                throw invalid("the traffic split for endpoint '\(endpoint)' names '\(id)', which is not deployed there (\(names))")
            }
            guard (0...100).contains(share) else {
                throw invalid("the traffic split for endpoint '\(endpoint)' gives '\(id)' \(share)%; a share is 0 to 100")
            }
        }
        let total = split.values.reduce(0, +)
        guard deployed.isEmpty ? total == 0 : total == 100 else {
            throw invalid("the traffic split for endpoint '\(endpoint)' sums to \(total)%, not 100%")
        }
    }

    private static func checkName(_ resource: String) throws {
        guard LocalImageBuilder.isSafeName(resource) else {
            throw invalid("endpoint name '\(resource)' is not a file name")
        }
    }

    private static func invalid(_ message: String) -> RuntimeError {
        RuntimeError(code: "invalid", message: message, disposition: .stalled)
    }
}
