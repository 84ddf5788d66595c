extension Vertex {
    /// A `BatchPredictionJob`. The API takes no client-chosen id.
    public struct BatchPredictionJob: Sendable, Hashable, Codable {
        public var name: String?
        /// Required.
        public var displayName: String?
        /// `projects/…/models/{id}`.
        public var model: String?
        public var inputConfig: InputConfig?
        public var outputConfig: OutputConfig?
        public var dedicatedResources: BatchDedicatedResources?
        public var serviceAccount: String?
        public var labels: [String: String]?
        public var state: JobState?
        public var error: RPCStatus?
        public var outputInfo: OutputInfo?
        public var completionStats: CompletionStats?
        public var createTime: String?
        public var startTime: String?
        public var endTime: String?
        public var updateTime: String?

        public init(name: String? = nil, displayName: String? = nil, model: String? = nil,
                    inputConfig: InputConfig? = nil, outputConfig: OutputConfig? = nil,
                    dedicatedResources: BatchDedicatedResources? = nil, serviceAccount: String? = nil,
                    labels: [String: String]? = nil, state: JobState? = nil, error: RPCStatus? = nil,
                    outputInfo: OutputInfo? = nil, completionStats: CompletionStats? = nil, createTime: String? = nil,
                    startTime: String? = nil, endTime: String? = nil, updateTime: String? = nil) {
            self.name = name
            self.displayName = displayName
            self.model = model
            self.inputConfig = inputConfig
            self.outputConfig = outputConfig
            self.dedicatedResources = dedicatedResources
            self.serviceAccount = serviceAccount
            self.labels = labels
            self.state = state
            self.error = error
            self.outputInfo = outputInfo
            self.completionStats = completionStats
            self.createTime = createTime
            self.startTime = startTime
            self.endTime = endTime
            self.updateTime = updateTime
        }

        /// `BatchPredictionJob.InputConfig`.
        public struct InputConfig: Sendable, Hashable, Codable {
            /// `jsonl`, `csv`, `tf-record`, `tf-record-gzip`, `bigquery`, `file-list`.
            public var instancesFormat: String?
            public var gcsSource: GcsSource?
            public init(instancesFormat: String? = nil, gcsSource: GcsSource? = nil) {
                self.instancesFormat = instancesFormat
                self.gcsSource = gcsSource
            }
        }

        /// `BatchPredictionJob.OutputConfig`.
        public struct OutputConfig: Sendable, Hashable, Codable {
            /// `jsonl`, `csv`, `bigquery`.
            public var predictionsFormat: String?
            public var gcsDestination: GcsDestination?
            public init(predictionsFormat: String? = nil, gcsDestination: GcsDestination? = nil) {
                self.predictionsFormat = predictionsFormat
                self.gcsDestination = gcsDestination
            }
        }

        /// `BatchPredictionJob.OutputInfo` (output only).
        public struct OutputInfo: Sendable, Hashable, Codable {
            /// `<outputUriPrefix>/prediction-<model display name>-<create time>`.
            public var gcsOutputDirectory: String?
            public init(gcsOutputDirectory: String? = nil) { self.gcsOutputDirectory = gcsOutputDirectory }
        }
    }

    /// `GcsSource`.
    public struct GcsSource: Sendable, Hashable, Codable {
        public var uris: [String]?
        public init(uris: [String]? = nil) { self.uris = uris }
    }

    /// `GcsDestination`.
    public struct GcsDestination: Sendable, Hashable, Codable {
        public var outputUriPrefix: String?
        public init(outputUriPrefix: String? = nil) { self.outputUriPrefix = outputUriPrefix }
    }

    /// `BatchDedicatedResources`.
    public struct BatchDedicatedResources: Sendable, Hashable, Codable {
        public var machineSpec: MachineSpec?
        public var startingReplicaCount: Int?
        public var maxReplicaCount: Int?

        public init(machineSpec: MachineSpec? = nil, startingReplicaCount: Int? = nil, maxReplicaCount: Int? = nil) {
            self.machineSpec = machineSpec
            self.startingReplicaCount = startingReplicaCount
            self.maxReplicaCount = maxReplicaCount
        }
    }

    /// `CompletionStats` (int64 counts as strings; `-1` unknown).
    public struct CompletionStats: Sendable, Hashable, Codable {
        public var successfulCount: String?
        public var failedCount: String?
        public var incompleteCount: String?
        public init(successfulCount: String? = nil, failedCount: String? = nil, incompleteCount: String? = nil) {
            self.successfulCount = successfulCount
            self.failedCount = failedCount
            self.incompleteCount = incompleteCount
        }
    }

    /// `ListBatchPredictionJobsResponse`.
    public struct ListBatchPredictionJobsResponse: Sendable, Hashable, Codable {
        public var batchPredictionJobs: [BatchPredictionJob]?
        public var nextPageToken: String?
        public init(batchPredictionJobs: [BatchPredictionJob]? = nil, nextPageToken: String? = nil) {
            self.batchPredictionJobs = batchPredictionJobs
            self.nextPageToken = nextPageToken
        }
    }
}
