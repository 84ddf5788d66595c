extension Vertex {
    /// An `Endpoint`: where models serve online predictions.
    public struct Endpoint: Sendable, Hashable, Codable {
        public var name: String?
        /// Required on create.
        public var displayName: String?
        public var description: String?
        public var labels: [String: String]?
        /// Percent of traffic by deployed model id; sums to 100, or is empty.
        public var trafficSplit: [String: Int]?
        /// Output only.
        public var deployedModels: [DeployedModel]?
        /// For a consistent read-modify-write; a patch without it overwrites blindly.
        public var etag: String?
        public var createTime: String?
        public var updateTime: String?

        public init(name: String? = nil, displayName: String? = nil, description: String? = nil,
                    labels: [String: String]? = nil, trafficSplit: [String: Int]? = nil,
                    deployedModels: [DeployedModel]? = nil, etag: String? = nil, createTime: String? = nil,
                    updateTime: String? = nil) {
            self.name = name
            self.displayName = displayName
            self.description = description
            self.labels = labels
            self.trafficSplit = trafficSplit
            self.deployedModels = deployedModels
            self.etag = etag
            self.createTime = createTime
            self.updateTime = updateTime
        }
    }

    /// A `DeployedModel`: a model serving on an endpoint.
    public struct DeployedModel: Sendable, Hashable, Codable {
        /// 1–10 digits; chosen by the service when not set.
        public var id: String?
        /// `projects/…/models/{id}` (optionally `@version`).
        public var model: String?
        public var displayName: String?
        public var dedicatedResources: DedicatedResources?
        public var serviceAccount: String?
        public var modelVersionId: String?
        public var createTime: String?

        public init(id: String? = nil, model: String? = nil, displayName: String? = nil,
                    dedicatedResources: DedicatedResources? = nil, serviceAccount: String? = nil,
                    modelVersionId: String? = nil, createTime: String? = nil) {
            self.id = id
            self.model = model
            self.displayName = displayName
            self.dedicatedResources = dedicatedResources
            self.serviceAccount = serviceAccount
            self.modelVersionId = modelVersionId
            self.createTime = createTime
        }
    }

    /// `DedicatedResources`.
    public struct DedicatedResources: Sendable, Hashable, Codable {
        public var machineSpec: MachineSpec?
        /// Required, at least 1.
        public var minReplicaCount: Int?
        public var maxReplicaCount: Int?

        public init(machineSpec: MachineSpec? = nil, minReplicaCount: Int? = nil, maxReplicaCount: Int? = nil) {
            self.machineSpec = machineSpec
            self.minReplicaCount = minReplicaCount
            self.maxReplicaCount = maxReplicaCount
        }
    }

    /// `MachineSpec`.
    public struct MachineSpec: Sendable, Hashable, Codable {
        public var machineType: String?
        public var acceleratorType: String?
        public var acceleratorCount: Int?

        public init(machineType: String? = nil, acceleratorType: String? = nil, acceleratorCount: Int? = nil) {
            self.machineType = machineType
            self.acceleratorType = acceleratorType
            self.acceleratorCount = acceleratorCount
        }
    }

    /// `DeployModelRequest`: `trafficSplit` uses the key `"0"` for the model being deployed.
    public struct DeployModelRequest: Sendable, Hashable, Codable {
        public var deployedModel: DeployedModel
        public var trafficSplit: [String: Int]?

        public init(deployedModel: DeployedModel, trafficSplit: [String: Int]? = nil) {
            self.deployedModel = deployedModel
            self.trafficSplit = trafficSplit
        }
    }

    /// `DeployModelResponse`: the operation's result.
    public struct DeployModelResponse: Sendable, Hashable, Codable {
        public var deployedModel: DeployedModel?
        public init(deployedModel: DeployedModel? = nil) { self.deployedModel = deployedModel }
    }

    /// `UndeployModelRequest`: the split must leave the undeployed model without traffic.
    public struct UndeployModelRequest: Sendable, Hashable, Codable {
        public var deployedModelId: String
        public var trafficSplit: [String: Int]?

        public init(deployedModelId: String, trafficSplit: [String: Int]? = nil) {
            self.deployedModelId = deployedModelId
            self.trafficSplit = trafficSplit
        }
    }

    /// `ListEndpointsResponse`.
    public struct ListEndpointsResponse: Sendable, Hashable, Codable {
        public var endpoints: [Endpoint]?
        public var nextPageToken: String?
        public init(endpoints: [Endpoint]? = nil, nextPageToken: String? = nil) {
            self.endpoints = endpoints
            self.nextPageToken = nextPageToken
        }
    }
}
