import Logging
import StewardCore
import StewardRuntime

/// Batch predictions on Vertex AI.
///
/// The API takes no client-chosen id: jobs carry the deterministic display name and a `steward-key` label,
/// and `start` lists jobs with that label first, adopting one that is not failed or cancelled. `file-list`
/// input is written as an object next to the output folder (`<output>-instances.txt`, one `gs://` URI per
/// line); `jsonl` input gives the instance files themselves.
public struct VertexBatchPredictionService: BatchPredictionService {
    public let client: VertexClient
    private let objects: any ObjectStore
    private let logger: Logger

    public init(client: VertexClient, objects: any ObjectStore, logger: Logger) {
        self.client = client
        self.objects = objects
        self.logger = logger
    }

    public func observeJobs() async throws -> [ObservedBatchJob] {
        let jobs = try await client.allBatchPredictionJobs(filter: VertexLabels.managedFilter)
        return jobs.compactMap(Self.observedJob).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func start(_ request: BatchPredict) async throws -> StartOutcome {
        let existing = try await client.allBatchPredictionJobs(filter: ListFilter.labels([StewardLabel.key: request.key]))
        if let job = existing.first(where: { Self.workState($0.state ?? .unspecified).isAdoptable }) {
            logger.debug("adopted batch prediction", metadata: ["job": "\(job.name ?? "")", "key": "\(request.key)"])
            return .adopted
        }

        var labels = request.labels
        labels[StewardLabel.managed] = StewardLabel.managedValue
        labels[StewardLabel.resource] = labels[StewardLabel.resource] ?? request.evaluation
        labels[StewardLabel.key] = request.key
        try VertexLabels.validate(labels, on: "batch prediction '\(request.displayName)'")

        let uris: [String]
        switch request.instancesFormat {
        case .fileList:
            let list = Self.instanceList(for: request.output)
            let text = request.instances.map(\.description).joined(separator: "\n") + "\n"
            try await objects.write(list, bytes: Array(text.utf8), contentType: "text/plain")
            uris = [list.description]
        case .jsonl:
            uris = request.instances.map(\.description)
        }
        let model = request.modelResourceName.isEmpty ? client.resourceName("models", request.modelID)
            : request.modelResourceName
        let job = Vertex.BatchPredictionJob(
            displayName: request.displayName, model: model,
            inputConfig: .init(instancesFormat: request.instancesFormat.rawValue, gcsSource: .init(uris: uris)),
            outputConfig: .init(predictionsFormat: "jsonl",
                                gcsDestination: .init(outputUriPrefix: request.output.description)),
            dedicatedResources: .init(machineSpec: .init(machineType: request.machineType),
                                      startingReplicaCount: request.startingReplicaCount,
                                      maxReplicaCount: request.maxReplicaCount),
            serviceAccount: request.serviceAccount, labels: labels)
        let created = try await client.createBatchPredictionJob(job)
        logger.debug("started batch prediction", metadata: ["job": "\(created.name ?? "")", "key": "\(request.key)"])
        return .created
    }

    /// `<output>-instances.txt`: beside the output folder, outside what the job writes.
    static func instanceList(for output: StorageURI) -> StorageURI {
        StorageURI(bucket: output.bucket, path: output.path.isEmpty ? "instances.txt" : output.path + "-instances.txt")
    }

    static func observedJob(_ job: Vertex.BatchPredictionJob) -> ObservedBatchJob? {
        let labels = job.labels ?? [:]
        guard let name = job.name, let key = labels[StewardLabel.key] else { return nil }
        let state = workState(job.state ?? .unspecified)
        var message = job.error?.message
        if job.state == .paused { message = message ?? "the job is paused" }
        return ObservedBatchJob(
            id: VertexClient.id(of: name), displayName: job.displayName ?? "",
            evaluation: labels[StewardLabel.resource] ?? "", key: key, state: state,
            outputURI: job.outputInfo?.gcsOutputDirectory,
            createdAt: job.createTime.flatMap(Instant.init(rfc3339:)) ?? Instant(millisecondsSinceEpoch: 0), message: message)
    }

    /// Vertex's job states as work states; a partial success is a success (the evaluation reads what exists).
    static func workState(_ state: Vertex.JobState) -> WorkState {
        switch state {
        case .running, .cancelling, .updating: .running
        case .succeeded, .partiallySucceeded: .succeeded
        case .failed, .expired, .paused: .failed
        case .cancelled: .cancelled
        default: .pending
        }
    }
}

extension WorkState {
    /// Work a repeated start may take over: not ended badly.
    var isAdoptable: Bool { self == .pending || self == .running || self == .succeeded }
}
