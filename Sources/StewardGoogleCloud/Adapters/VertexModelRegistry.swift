import Logging
import StewardCore
import StewardRuntime

/// Models in the Vertex AI Model Registry, uploaded with the deterministic id `UploadModel.modelID`.
///
/// Labels: the request's (the planner gives `steward-managed`, `steward-resource` = the Pipeline,
/// `steward-key`, `steward-run`), with `steward-managed` and `steward-resource` filled in when missing.
public struct VertexModelRegistry: ModelRegistry {
    public let client: VertexClient
    private let logger: Logger

    public init(client: VertexClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func observeModels() async throws -> [ObservedModel] {
        let models = try await client.allModels(filter: VertexLabels.managedFilter)
        return models.compactMap(Self.observedModel).sorted { $0.id < $1.id }
    }

    public func upload(_ request: UploadModel) async throws -> StartOutcome {
        var labels = request.labels
        labels[StewardLabel.managed] = StewardLabel.managedValue
        labels[StewardLabel.resource] = labels[StewardLabel.resource] ?? request.pipeline
        try VertexLabels.validate(labels, on: "model '\(request.modelID)'")
        let body = Vertex.UploadModelRequest(
            modelId: request.modelID,
            model: Vertex.Model(displayName: request.displayName, artifactUri: request.artifactURI,
                                containerSpec: .init(imageUri: request.servingImage), labels: labels))
        let operation: LongRunningOperation
        do {
            operation = try await client.uploadModel(body)
        } catch let error as RuntimeError where error.code == "already_exists" {
            logger.debug("adopted model", metadata: ["model": "\(request.modelID)"])
            return .adopted
        }
        _ = try await client.waitUntilDone(operation, what: "upload of model '\(request.modelID)'")
        logger.debug("uploaded model", metadata: ["model": "\(request.modelID)"])
        return .created
    }

    static func observedModel(_ model: Vertex.Model) -> ObservedModel? {
        guard let name = model.name else { return nil }
        let labels = model.labels ?? [:]
        return ObservedModel(
            id: VertexClient.id(of: name), resourceName: name, pipeline: labels[StewardLabel.resource] ?? "",
            runID: labels[StewardLabel.run] ?? "", artifactURI: model.artifactUri ?? "",
            createdAt: model.createTime.flatMap(Instant.init(rfc3339:)) ?? Instant(millisecondsSinceEpoch: 0))
    }
}
