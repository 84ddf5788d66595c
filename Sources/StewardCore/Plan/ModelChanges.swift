/// Upload a run's model to the model registry with a deterministic id.
public struct UploadModel: Sendable, Hashable, Codable {
    public var modelID: String
    public var displayName: String
    public var pipeline: String
    public var runID: String
    /// The model folder (`gs://…`).
    public var artifactURI: String
    public var servingImage: String
    public var labels: [String: String]

    public init(modelID: String, displayName: String, pipeline: String, runID: String, artifactURI: String,
                servingImage: String, labels: [String: String]) {
        self.modelID = modelID
        self.displayName = displayName
        self.pipeline = pipeline
        self.runID = runID
        self.artifactURI = artifactURI
        self.servingImage = servingImage
        self.labels = labels
    }
}

/// Create an endpoint (adopted when one with Steward's labels and the display name exists).
public struct CreateEndpoint: Sendable, Hashable, Codable {
    /// The Endpoint resource's name in the manifests.
    public var resource: String
    public var displayName: String
    public var labels: [String: String]

    public init(resource: String, displayName: String, labels: [String: String]) {
        self.resource = resource
        self.displayName = displayName
        self.labels = labels
    }
}

/// Deploy a model on an endpoint with a share of the traffic.
public struct DeployModel: Sendable, Hashable, Codable {
    public var endpoint: String
    public var modelID: String
    public var deployedDisplayName: String
    public var machineType: String
    public var minReplicas: Int
    public var maxReplicas: Int
    /// The traffic split after deployment: `"0"` is the model being deployed, other keys are deployed model ids.
    public var trafficSplit: [String: Int]

    public init(endpoint: String, modelID: String, deployedDisplayName: String, machineType: String, minReplicas: Int,
                maxReplicas: Int, trafficSplit: [String: Int]) {
        self.endpoint = endpoint
        self.modelID = modelID
        self.deployedDisplayName = deployedDisplayName
        self.machineType = machineType
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.trafficSplit = trafficSplit
    }
}

/// Set an endpoint's traffic split (by deployed model id).
public struct SetTraffic: Sendable, Hashable, Codable {
    public var endpoint: String
    public var trafficSplit: [String: Int]

    public init(endpoint: String, trafficSplit: [String: Int]) {
        self.endpoint = endpoint
        self.trafficSplit = trafficSplit
    }
}

/// Undeploy a model left without traffic (`prune: true`).
public struct UndeployModel: Sendable, Hashable, Codable {
    public var endpoint: String
    public var deployedModelID: String
    public var modelID: String

    public init(endpoint: String, deployedModelID: String, modelID: String) {
        self.endpoint = endpoint
        self.deployedModelID = deployedModelID
        self.modelID = modelID
    }
}

/// Run a batch prediction of a model on a collection batch.
public struct BatchPredict: Sendable, Hashable, Codable {
    /// Deterministic: the Evaluation, the batch and the model.
    public var displayName: String
    public var key: String
    public var evaluation: String
    public var batch: StorageURI
    /// The samples, in order.
    public var instances: [StorageURI]
    public var instancesFormat: EvaluationSpec.InstancesFormat
    public var modelID: String
    /// The model's resource name on the provider.
    public var modelResourceName: String
    /// Where predictions go: `<output root>/<evaluation>/<display name>/`.
    public var output: StorageURI
    public var machineType: String
    public var startingReplicaCount: Int
    public var maxReplicaCount: Int
    public var serviceAccount: String?
    /// On the local provider: the command, run in the image folder of the model's run.
    public var localCommand: String?
    public var labels: [String: String]

    public init(displayName: String, key: String, evaluation: String, batch: StorageURI, instances: [StorageURI],
                instancesFormat: EvaluationSpec.InstancesFormat, modelID: String, modelResourceName: String,
                output: StorageURI, machineType: String, startingReplicaCount: Int, maxReplicaCount: Int,
                serviceAccount: String?, localCommand: String?, labels: [String: String]) {
        self.displayName = displayName
        self.key = key
        self.evaluation = evaluation
        self.batch = batch
        self.instances = instances
        self.instancesFormat = instancesFormat
        self.modelID = modelID
        self.modelResourceName = modelResourceName
        self.output = output
        self.machineType = machineType
        self.startingReplicaCount = startingReplicaCount
        self.maxReplicaCount = maxReplicaCount
        self.serviceAccount = serviceAccount
        self.localCommand = localCommand
        self.labels = labels
    }
}

/// Create a GitHub release for a model (adopted when the tag exists).
public struct CreateRelease: Sendable, Hashable, Codable {
    public var repository: String
    public var tag: String
    public var name: String
    public var body: String
    /// The commit the model was trained from.
    public var commit: String
    public var draft: Bool
    public var prerelease: Bool

    public init(repository: String, tag: String, name: String, body: String, commit: String, draft: Bool, prerelease: Bool) {
        self.repository = repository
        self.tag = tag
        self.name = name
        self.body = body
        self.commit = commit
        self.draft = draft
        self.prerelease = prerelease
    }
}

/// Upload an asset built from the model folder to a release.
public struct UploadAsset: Sendable, Hashable, Codable {
    public var repository: String
    public var tag: String
    public var name: String
    /// The model folder to pack (`gs://…`).
    public var modelURI: String

    public init(repository: String, tag: String, name: String, modelURI: String) {
        self.repository = repository
        self.tag = tag
        self.name = name
        self.modelURI = modelURI
    }
}
