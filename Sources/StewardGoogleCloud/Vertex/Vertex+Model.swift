extension Vertex {
    /// A `Model` in the Model Registry.
    public struct Model: Sendable, Hashable, Codable {
        /// `projects/{number}/locations/{location}/models/{id}`.
        public var name: String?
        /// Required on upload.
        public var displayName: String?
        public var description: String?
        /// The folder holding the model's files.
        public var artifactUri: String?
        public var containerSpec: ContainerSpec?
        public var labels: [String: String]?
        /// The pipeline job that produced the model, when one did.
        public var pipelineJob: String?
        public var versionId: String?
        public var etag: String?
        public var createTime: String?
        public var updateTime: String?
        /// Output only: where the model is deployed.
        public var deployedModels: [DeployedModelRef]?

        public init(name: String? = nil, displayName: String? = nil, description: String? = nil,
                    artifactUri: String? = nil, containerSpec: ContainerSpec? = nil, labels: [String: String]? = nil,
                    pipelineJob: String? = nil, versionId: String? = nil, etag: String? = nil,
                    createTime: String? = nil, updateTime: String? = nil, deployedModels: [DeployedModelRef]? = nil) {
            self.name = name
            self.displayName = displayName
            self.description = description
            self.artifactUri = artifactUri
            self.containerSpec = containerSpec
            self.labels = labels
            self.pipelineJob = pipelineJob
            self.versionId = versionId
            self.etag = etag
            self.createTime = createTime
            self.updateTime = updateTime
            self.deployedModels = deployedModels
        }
    }

    /// `ModelContainerSpec`: the serving container.
    public struct ContainerSpec: Sendable, Hashable, Codable {
        /// Required: the serving image.
        public var imageUri: String?
        public var command: [String]?
        public var args: [String]?
        public var predictRoute: String?
        public var healthRoute: String?

        public init(imageUri: String? = nil, command: [String]? = nil, args: [String]? = nil,
                    predictRoute: String? = nil, healthRoute: String? = nil) {
            self.imageUri = imageUri
            self.command = command
            self.args = args
            self.predictRoute = predictRoute
            self.healthRoute = healthRoute
        }
    }

    /// `DeployedModelRef`: an endpoint and deployed model id.
    public struct DeployedModelRef: Sendable, Hashable, Codable {
        public var endpoint: String?
        public var deployedModelId: String?
        public init(endpoint: String? = nil, deployedModelId: String? = nil) {
            self.endpoint = endpoint
            self.deployedModelId = deployedModelId
        }
    }

    /// `UploadModelRequest`.
    public struct UploadModelRequest: Sendable, Hashable, Codable {
        /// The client-chosen id: ≤63 characters of `[a-z0-9_-]`, not starting with a digit or hyphen.
        public var modelId: String?
        public var parentModel: String?
        public var serviceAccount: String?
        public var model: Model

        public init(modelId: String? = nil, parentModel: String? = nil, serviceAccount: String? = nil, model: Model) {
            self.modelId = modelId
            self.parentModel = parentModel
            self.serviceAccount = serviceAccount
            self.model = model
        }
    }

    /// `UploadModelResponse`: the operation's result.
    public struct UploadModelResponse: Sendable, Hashable, Codable {
        public var model: String?
        public var modelVersionId: String?
        public init(model: String? = nil, modelVersionId: String? = nil) {
            self.model = model
            self.modelVersionId = modelVersionId
        }
    }

    /// `ListModelsResponse`.
    public struct ListModelsResponse: Sendable, Hashable, Codable {
        public var models: [Model]?
        public var nextPageToken: String?
        public init(models: [Model]? = nil, nextPageToken: String? = nil) {
            self.models = models
            self.nextPageToken = nextPageToken
        }
    }
}
