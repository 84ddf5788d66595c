extension Vertex {
    /// A `PipelineJob`: one run of a compiled pipeline.
    public struct PipelineJob: Sendable, Hashable, Codable {
        /// Output only: `projects/{number}/locations/{location}/pipelineJobs/{id}`.
        public var name: String?
        public var displayName: String?
        /// The compiled pipeline (KFP IR), as JSON.
        public var pipelineSpec: [String: ProtobufValue]?
        public var templateUri: String?
        public var runtimeConfig: RuntimeConfig?
        public var labels: [String: String]?
        public var serviceAccount: String?
        public var network: String?
        public var state: PipelineState?
        public var createTime: String?
        public var startTime: String?
        public var endTime: String?
        public var updateTime: String?
        /// Set when the job failed or was cancelled (`code` is a numeric google.rpc.Code).
        public var error: RPCStatus?
        /// Not in list responses.
        public var jobDetail: PipelineJobDetail?

        public init(name: String? = nil, displayName: String? = nil, pipelineSpec: [String: ProtobufValue]? = nil,
                    templateUri: String? = nil, runtimeConfig: RuntimeConfig? = nil, labels: [String: String]? = nil,
                    serviceAccount: String? = nil, network: String? = nil, state: PipelineState? = nil,
                    createTime: String? = nil, startTime: String? = nil, endTime: String? = nil,
                    updateTime: String? = nil, error: RPCStatus? = nil, jobDetail: PipelineJobDetail? = nil) {
            self.name = name
            self.displayName = displayName
            self.pipelineSpec = pipelineSpec
            self.templateUri = templateUri
            self.runtimeConfig = runtimeConfig
            self.labels = labels
            self.serviceAccount = serviceAccount
            self.network = network
            self.state = state
            self.createTime = createTime
            self.startTime = startTime
            self.endTime = endTime
            self.updateTime = updateTime
            self.error = error
            self.jobDetail = jobDetail
        }

        /// `PipelineJob.RuntimeConfig`.
        public struct RuntimeConfig: Sendable, Hashable, Codable {
            /// The pipeline root; required.
            public var gcsOutputDirectory: String?
            /// Runtime parameters (schema 2.1.0): any JSON, integers as JSON numbers.
            public var parameterValues: [String: ProtobufValue]?
            public var failurePolicy: String?

            public init(gcsOutputDirectory: String? = nil, parameterValues: [String: ProtobufValue]? = nil,
                        failurePolicy: String? = nil) {
                self.gcsOutputDirectory = gcsOutputDirectory
                self.parameterValues = parameterValues
                self.failurePolicy = failurePolicy
            }
        }
    }

    /// `PipelineJobDetail`: the runtime details of a job's tasks.
    public struct PipelineJobDetail: Sendable, Hashable, Codable {
        public var taskDetails: [PipelineTaskDetail]?
        public init(taskDetails: [PipelineTaskDetail]? = nil) { self.taskDetails = taskDetails }
    }

    /// `PipelineTaskDetail` (from `pipeline_job.proto`; not in the discovery fragment, which stops short of it).
    public struct PipelineTaskDetail: Sendable, Hashable, Codable {
        /// int64.
        public var taskId: String?
        public var taskName: String?
        public var state: String?
        public var error: RPCStatus?
        /// Output artifacts by output key.
        public var outputs: [String: ArtifactList]?

        public init(taskId: String? = nil, taskName: String? = nil, state: String? = nil, error: RPCStatus? = nil,
                    outputs: [String: ArtifactList]? = nil) {
            self.taskId = taskId
            self.taskName = taskName
            self.state = state
            self.error = error
            self.outputs = outputs
        }
    }

    /// `PipelineTaskDetail.ArtifactList`.
    public struct ArtifactList: Sendable, Hashable, Codable {
        public var artifacts: [Artifact]?
        public init(artifacts: [Artifact]? = nil) { self.artifacts = artifacts }
    }

    /// An ML Metadata `Artifact` (from `artifact.proto`): where an output is and what it says.
    public struct Artifact: Sendable, Hashable, Codable {
        public var name: String?
        public var displayName: String?
        public var uri: String?
        /// `system.Model`, `tfx.Model`, `tfx.ModelBlessing`, …
        public var schemaTitle: String?
        /// Custom properties, e.g. `blessed` on a TFX ModelBlessing.
        public var metadata: [String: ProtobufValue]?

        public init(name: String? = nil, displayName: String? = nil, uri: String? = nil, schemaTitle: String? = nil,
                    metadata: [String: ProtobufValue]? = nil) {
            self.name = name
            self.displayName = displayName
            self.uri = uri
            self.schemaTitle = schemaTitle
            self.metadata = metadata
        }
    }

    /// `ListPipelineJobsResponse`.
    public struct ListPipelineJobsResponse: Sendable, Hashable, Codable {
        public var pipelineJobs: [PipelineJob]?
        public var nextPageToken: String?
        public init(pipelineJobs: [PipelineJob]? = nil, nextPageToken: String? = nil) {
            self.pipelineJobs = pipelineJobs
            self.nextPageToken = nextPageToken
        }
    }
}
