import Foundation
import Logging
import StewardCore
import StewardHTTP
import StewardRuntime

/// Makes the Vertex AI and Cloud Build clients of one project and region, and the `gcp` adapters over them.
///
/// `STEWARD_VERTEX_ENDPOINT` and `STEWARD_CLOUDBUILD_ENDPOINT` replace the Google hosts (base URLs without
/// `/v1`; `http://` is assumed without a scheme). Against an override Steward must send no Google
/// credentials: `vertexOverridden`/`cloudBuildOverridden` tell the composition root which transport to give.
public struct GoogleCloudAPIs: Sendable {
    /// The environment variable that replaces the Vertex AI host.
    public static let vertexEndpointVariable = "STEWARD_VERTEX_ENDPOINT"
    /// The environment variable that replaces the Cloud Build host.
    public static let cloudBuildEndpointVariable = "STEWARD_CLOUDBUILD_ENDPOINT"

    public let project: String
    public let region: String
    public let vertex: VertexClient
    public let cloudBuild: CloudBuildClient
    /// Whether Vertex AI calls go to an override (an emulator or fake).
    public let vertexOverridden: Bool
    /// Whether Cloud Build calls go to an override.
    public let cloudBuildOverridden: Bool
    private let logger: Logger

    /// - Parameters:
    ///   - transport: the transport of both clients (retries and authorization wrapped around the wire).
    ///   - cloudBuildLocation: Cloud Build's location; the region when nil (`global` is valid too).
    public init(project: String, region: String, transport: any HTTPTransport,
                environment: [String: String] = ProcessInfo.processInfo.environment, cloudBuildLocation: String? = nil,
                polling: OperationPolling = OperationPolling(), logger: Logger) {
        self.project = project
        self.region = region
        self.logger = logger
        let vertexOverride = Self.baseURL(environment[Self.vertexEndpointVariable])
        let cloudBuildOverride = Self.baseURL(environment[Self.cloudBuildEndpointVariable])
        vertexOverridden = vertexOverride != nil
        cloudBuildOverridden = cloudBuildOverride != nil
        vertex = VertexClient(project: project, location: region, baseURL: vertexOverride, transport: transport,
                              polling: polling, logger: logger)
        cloudBuild = CloudBuildClient(project: project, location: cloudBuildLocation ?? region,
                                      baseURL: cloudBuildOverride, transport: transport, logger: logger)
    }

    /// An override as a base URL: trimmed, `http://` added without a scheme, a trailing `/` or `/v1` dropped.
    static func baseURL(_ value: String?) -> String? {
        guard var text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if !text.contains("://") { text = "http://" + text }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast(3) }
        return text
    }

    /// Training runs on Vertex AI Pipelines; `objects` holds their blessing artifacts.
    public func pipelineService(objects: any ObjectStore) -> VertexPipelineService {
        VertexPipelineService(client: vertex, objects: objects, logger: logger)
    }

    /// Image builds on Cloud Build, with sources staged under `staging` (the Project's bucket).
    public func imageBuilder(staging: StorageURI, objects: any ObjectStore) -> CloudBuildImageBuilder {
        CloudBuildImageBuilder(client: cloudBuild, staging: staging, objects: objects, logger: logger)
    }

    /// A Pipeline's checks as Cloud Build builds in the Pipeline's image, sources staged and logs kept under
    /// `staging` (the Project's bucket).
    public func checkService(staging: StorageURI, objects: any ObjectStore) -> CloudBuildCheckService {
        CloudBuildCheckService(client: cloudBuild, staging: staging, objects: objects, logger: logger)
    }

    /// The Vertex AI Model Registry.
    public func modelRegistry() -> VertexModelRegistry {
        VertexModelRegistry(client: vertex, logger: logger)
    }

    /// Vertex AI endpoints.
    public func endpointService() -> VertexEndpointService {
        VertexEndpointService(client: vertex, logger: logger)
    }

    /// Vertex AI batch predictions; `objects` holds the instance lists.
    public func batchPredictionService(objects: any ObjectStore) -> VertexBatchPredictionService {
        VertexBatchPredictionService(client: vertex, objects: objects, logger: logger)
    }
}
