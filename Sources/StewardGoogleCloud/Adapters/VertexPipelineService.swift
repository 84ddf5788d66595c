import Logging
import StewardCore
import StewardRuntime

/// Training runs on Vertex AI Pipelines.
///
/// A run is a PipelineJob with the deterministic id `RunPipeline.runID` and Steward's labels; the labels alone
/// make it observable. The model and blessing of a succeeded run are read from its task details (one GET per
/// newly succeeded run, since list responses leave them out) and remembered, as a finished run's outputs do
/// not change. A blessing artifact without a `blessed` metadata value (a plain KFP artifact, such as the
/// quickstart trainer's) is blessed when its folder holds a `BLESSED` object, as on the local provider.
public final class VertexPipelineService: PipelineService {
    public let client: VertexClient
    private let objects: any ObjectStore
    private let logger: Logger
    private let outputs = OutputMemory()

    /// - Parameter objects: where blessing artifacts' folders are read.
    public init(client: VertexClient, objects: any ObjectStore, logger: Logger) {
        self.client = client
        self.objects = objects
        self.logger = logger
    }

    public func observeRuns() async throws -> [ObservedRun] {
        let jobs = try await client.allPipelineJobs(filter: VertexLabels.managedFilter)
        var runs: [ObservedRun] = []
        for job in jobs {
            guard var run = Self.observedRun(job) else { continue }
            if run.state == .succeeded, let references = OutputReferences(labels: job.labels ?? [:]) {
                let found: RunOutputs
                if let remembered = await outputs.get(run.id) {
                    found = remembered
                } else {
                    var detail = job.jobDetail
                    if detail == nil { detail = try await client.pipelineJob(job.name ?? run.id).jobDetail }
                    found = try await blessingRead(references.outputs(in: detail))
                    await outputs.set(run.id, found)
                }
                run.modelURI = found.modelURI
                run.blessed = found.blessed
            }
            runs.append(run)
        }
        logger.debug("observed pipeline runs", metadata: ["runs": "\(runs.count)"])
        return runs.sorted { $0.id < $1.id }
    }

    /// Outputs whose blessing waits on its folder, with the blessing read from the `BLESSED` object there.
    private func blessingRead(_ found: RunOutputs) async throws -> RunOutputs {
        guard found.blessed == nil, let folder = found.blessingFolder else { return found }
        var read = found
        if case .success(let uri) = StorageURI.parse(folder) {
            read.blessed = try await objects.exists(uri.appending(RecordName.blessed))
        } else {
            read.blessed = false
        }
        return read
    }

    public func start(_ request: RunPipeline, template: [UInt8]?) async throws -> StartOutcome {
        guard let template else {
            throw RuntimeError(code: "invalid", message: "run '\(request.runID)': the compiled pipeline spec was not given; read the template ('\(request.template)') before starting the run", disposition: .stalled)
        }
        let job = try Self.pipelineJob(for: request, template: template)
        let creation = try await client.createPipelineJob(job, id: request.runID)
        if creation.outcome == .adopted {
            // A job with this id that is not Steward's (no managed label, or another resource's) is never seen by
            // the labelled list: adopting it would plan the run again on every reconcile. Say whose it is instead.
            let labels = creation.resource.labels ?? [:]
            guard labels[StewardLabel.managed] == StewardLabel.managedValue,
                  labels[StewardLabel.resource] == job.labels?[StewardLabel.resource] else {
                let owner = labels.isEmpty ? "it has no labels" : "its labels are "
                    + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                throw RuntimeError(
                    code: "conflict",
                    message: "pipeline job '\(creation.resource.name ?? request.runID)' exists and is not this Pipeline's "
                        + "(\(owner)); Steward will not adopt it: delete it, or rename the Pipeline",
                    disposition: .stalled)
            }
        }
        logger.debug("started pipeline run", metadata: ["run": "\(request.runID)", "outcome": "\(creation.outcome.rawValue)"])
        return creation.outcome
    }

    public func cancel(runID: String) async throws {
        let job: Vertex.PipelineJob
        do {
            job = try await client.pipelineJob(runID)
        } catch let error as RuntimeError where error.isNotFound {
            return
        }
        if let state = job.state, Self.workState(state).isFinished { return }
        do {
            try await client.cancelPipelineJob(runID)
        } catch let error as RuntimeError where error.code == "failed_precondition" {
            // It ended between the read and the cancel.
            return
        }
        logger.debug("cancelled pipeline run", metadata: ["run": "\(runID)"])
    }

    // MARK: Mapping

    /// The create body: the spec verbatim (caching turned off on every task when the run asks), the labels,
    /// the pipeline root and the parameters (integers as JSON numbers).
    static func pipelineJob(for request: RunPipeline, template: [UInt8]) throws -> Vertex.PipelineJob {
        let parsed: ProtobufValue
        do {
            parsed = try ProtobufValue(json: template)
        } catch {
            throw RuntimeError(code: "invalid", message: "run '\(request.runID)': the pipeline template '\(request.template)' is not JSON; compile the pipeline to JSON", disposition: .stalled)
        }
        guard var spec = parsed.objectValue else {
            throw RuntimeError(code: "invalid", message: "run '\(request.runID)': the pipeline template '\(request.template)' is not a JSON object", disposition: .stalled)
        }
        // A compiled file may be a whole PipelineJob with the spec under `pipelineSpec`.
        if spec["root"] == nil, let inner = spec["pipelineSpec"]?.objectValue { spec = inner }
        if !request.enableCaching { spec = disablingCache(in: spec) }

        var labels = request.labels
        if let model = request.outputs?.model {
            labels[StewardLabel.modelTask] = VertexLabels.normalized(model.task)
            labels[StewardLabel.modelArtifact] = VertexLabels.normalized(model.artifact)
        }
        if let blessing = request.outputs?.blessing {
            labels[StewardLabel.blessingTask] = VertexLabels.normalized(blessing.task)
            labels[StewardLabel.blessingArtifact] = VertexLabels.normalized(blessing.artifact)
        }
        try VertexLabels.validate(labels, on: "run '\(request.runID)'")

        let parameters = request.parameters.mapValues { value -> ProtobufValue in
            switch value {
            case .string(let text): .string(text)
            case .int(let number): .int(Int64(number))
            case .double(let number): .double(number)
            case .bool(let flag): .bool(flag)
            }
        }
        return Vertex.PipelineJob(
            displayName: String(request.displayName.prefix(128)), pipelineSpec: spec,
            runtimeConfig: .init(gcsOutputDirectory: request.root.description,
                                 parameterValues: parameters.isEmpty ? nil : parameters),
            labels: labels, serviceAccount: request.serviceAccount)
    }

    /// `cachingOptions.enableCache = false` on every task of the root DAG and of every component's DAG, as
    /// the KFP SDK does for `enable_caching=False`.
    static func disablingCache(in spec: [String: ProtobufValue]) -> [String: ProtobufValue] {
        func disabled(_ component: ProtobufValue) -> ProtobufValue {
            guard var object = component.objectValue, var dag = object["dag"]?.objectValue,
                  var tasks = dag["tasks"]?.objectValue else { return component }
            for (name, task) in tasks {
                guard var taskObject = task.objectValue else { continue }
                var options = taskObject["cachingOptions"]?.objectValue ?? [:]
                options["enableCache"] = .bool(false)
                taskObject["cachingOptions"] = .object(options)
                tasks[name] = .object(taskObject)
            }
            dag["tasks"] = .object(tasks)
            object["dag"] = .object(dag)
            return .object(object)
        }
        var spec = spec
        if let root = spec["root"] { spec["root"] = disabled(root) }
        if let components = spec["components"]?.objectValue {
            spec["components"] = .object(components.mapValues(disabled))
        }
        return spec
    }

    /// A job with Steward's labels as an observed run; nil when the labels are not Steward's.
    static func observedRun(_ job: Vertex.PipelineJob) -> ObservedRun? {
        let labels = job.labels ?? [:]
        guard let name = job.name, let pipeline = labels[StewardLabel.resource], let key = labels[StewardLabel.key] else {
            return nil
        }
        let spans = (labels[StewardLabel.spans] ?? "").split(separator: "_").compactMap { Int($0) }
        let created = job.createTime.flatMap(Instant.init(rfc3339:)) ?? job.updateTime.flatMap(Instant.init(rfc3339:))
            ?? Instant(millisecondsSinceEpoch: 0)
        let state = Self.workState(job.state ?? .unspecified)
        var message = job.error?.message
        if job.state == .paused { message = message ?? "the run is paused" }
        return ObservedRun(
            id: VertexClient.id(of: name), pipeline: pipeline, key: key,
            attempt: labels[StewardLabel.attempt].flatMap { Int($0) } ?? 1, commit: labels[StewardLabel.commit],
            imageTree: labels[StewardLabel.imageTree], modulesTree: labels[StewardLabel.modulesTree], spans: spans,
            state: state, createdAt: created, finishedAt: state.isFinished ? job.endTime.flatMap(Instant.init(rfc3339:)) : nil,
            message: message)
    }

    /// Vertex's pipeline states as Steward's work states. A paused run counts as failed, as the Python SDK
    /// counts it as complete and nothing resumes it.
    static func workState(_ state: Vertex.PipelineState) -> WorkState {
        switch state {
        case .running, .cancelling: .running
        case .succeeded: .succeeded
        case .failed, .paused: .failed
        case .cancelled: .cancelled
        default: .pending
        }
    }
}
