import StewardCore

/// The model registry: Vertex AI Models on `gcp`, `models/` under the local root on `local`.
public protocol ModelRegistry: Sendable {
    /// Models carrying Steward's labels (list calls, all pages).
    func observeModels() async throws -> [ObservedModel]
    /// Uploads a model with the deterministic id `request.modelID`; an existing one is adopted.
    /// Waits for the upload's long-running operation.
    func upload(_ request: UploadModel) async throws -> StartOutcome
}

/// Serving endpoints: Vertex AI Endpoints on `gcp`, records under `endpoints/` on `local`.
public protocol EndpointService: Sendable {
    /// Endpoints carrying Steward's labels, with their deployed models and traffic split.
    func observeEndpoints() async throws -> [ObservedEndpoint]
    /// Creates an endpoint, or adopts the one with Steward's labels for that resource.
    func create(_ request: CreateEndpoint) async throws -> StartOutcome
    /// Deploys a model (adopted when that model is already deployed there). Waits for the operation.
    func deploy(_ request: DeployModel) async throws -> StartOutcome
    /// Sets the traffic split by deployed model id.
    func setTraffic(_ request: SetTraffic) async throws
    /// Undeploys a deployed model; one already gone is not an error.
    func undeploy(_ request: UndeployModel) async throws
}

/// Batch prediction: Vertex AI BatchPredictionJobs on `gcp`, detached `local.command` processes on `local`.
public protocol BatchPredictionService: Sendable {
    /// Jobs carrying Steward's labels.
    func observeJobs() async throws -> [ObservedBatchJob]
    /// Starts a job. The API takes no client-chosen id: the adapter lists jobs with the request's `steward-key`
    /// label first and adopts one it finds.
    func start(_ request: BatchPredict) async throws -> StartOutcome
}

/// Releases: GitHub Releases on `gcp`, records under `releases/` on `local`.
public protocol ReleaseService: Sendable {
    /// The releases of the given repositories (all pages, drafts included).
    func observeReleases(repositories: Set<String>) async throws -> [ObservedRelease]
    /// Creates a release; a tag that exists is adopted.
    func create(_ request: CreateRelease) async throws -> StartOutcome
    /// Uploads an asset; an asset of that name already on the release is adopted.
    func uploadAsset(_ request: UploadAsset, bytes: [UInt8], contentType: String) async throws -> StartOutcome
}
