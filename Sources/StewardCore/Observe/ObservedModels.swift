/// A model Steward uploaded from a run (Vertex Model Registry on `gcp`, `models/` on `local`).
public struct ObservedModel: Sendable, Hashable, Codable {
    /// The deterministic model id (the last segment of the resource name on Vertex).
    public var id: String
    /// The full resource name on Vertex, or the local model folder.
    public var resourceName: String
    public var pipeline: String
    public var runID: String
    public var artifactURI: String
    public var createdAt: Instant

    public init(id: String, resourceName: String, pipeline: String, runID: String, artifactURI: String, createdAt: Instant) {
        self.id = id
        self.resourceName = resourceName
        self.pipeline = pipeline
        self.runID = runID
        self.artifactURI = artifactURI
        self.createdAt = createdAt
    }
}

/// An endpoint with its deployed models and traffic split.
public struct ObservedEndpoint: Sendable, Hashable, Codable {
    /// The Endpoint resource's name in the manifests (from the `steward-resource` label).
    public var resource: String
    /// The provider's endpoint id (last segment of the resource name).
    public var id: String
    public var displayName: String
    public var deployedModels: [DeployedModel]
    /// Percent of traffic by deployed model id; sums to 100 when anything is deployed.
    public var trafficSplit: [String: Int]

    public init(resource: String, id: String, displayName: String, deployedModels: [DeployedModel],
                trafficSplit: [String: Int]) {
        self.resource = resource
        self.id = id
        self.displayName = displayName
        self.deployedModels = deployedModels
        self.trafficSplit = trafficSplit
    }

    /// A model deployed on an endpoint.
    public struct DeployedModel: Sendable, Hashable, Codable {
        /// The deployment's id on the endpoint (Vertex's `deployedModel.id`).
        public var id: String
        /// The model id (last segment of the model resource name).
        public var modelID: String
        public var createdAt: Instant?

        public init(id: String, modelID: String, createdAt: Instant?) {
            self.id = id
            self.modelID = modelID
            self.createdAt = createdAt
        }
    }
}

/// A batch prediction job Steward started for an Evaluation.
public struct ObservedBatchJob: Sendable, Hashable, Codable {
    public var id: String
    public var displayName: String
    public var evaluation: String
    public var key: String
    public var state: WorkState
    /// Where its predictions are (`gs://…`).
    public var outputURI: String?
    public var createdAt: Instant
    public var message: String?

    public init(id: String, displayName: String, evaluation: String, key: String, state: WorkState, outputURI: String?,
                createdAt: Instant, message: String? = nil) {
        self.id = id
        self.displayName = displayName
        self.evaluation = evaluation
        self.key = key
        self.state = state
        self.outputURI = outputURI
        self.createdAt = createdAt
        self.message = message
    }
}

/// A GitHub release (a record under `releases/` on `local`).
public struct ObservedRelease: Sendable, Hashable, Codable {
    public var repository: String
    public var tag: String
    public var id: String
    public var draft: Bool
    public var assets: [String]

    public init(repository: String, tag: String, id: String, draft: Bool, assets: [String]) {
        self.repository = repository
        self.tag = tag
        self.id = id
        self.draft = draft
        self.assets = assets
    }
}

/// A collection batch: one folder under a Dataset's `collection.prefix`.
public struct ObservedBatch: Sendable, Hashable, Codable {
    public var dataset: String
    public var uri: StorageURI
    /// The sample files (matching the pattern), sorted.
    public var samples: [StorageURI]

    public init(dataset: String, uri: StorageURI, samples: [StorageURI]) {
        self.dataset = dataset
        self.uri = uri
        self.samples = samples
    }

    /// The folder's name, e.g. `2026-11`.
    public var name: String { uri.path.split(separator: "/").last.map(String.init) ?? uri.bucket }
}
