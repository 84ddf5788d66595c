import Foundation
import StewardCore
import StewardGoogleCloud
import StewardRuntime

/// A contract-exact in-process fake of the Vertex AI methods Steward uses (`api/CONTRACTS.md` §1):
/// pipelineJobs, models, endpoints (deploy, undeploy, traffic), batchPredictionJobs and operations.
///
/// - Resource names carry the project **number**; requests may name the project by id or number.
/// - Every request body is checked against the discovery fragment (unknown field → 400 INVALID_ARGUMENT),
///   and so are query parameters; required fields are checked per method.
/// - Jobs move PENDING → RUNNING → final over successive observations (a get or a list that returns them
///   alike); long-running operations are done only after `operationPollsUntilDone` gets.
/// - Lists page with at most `maximumPageSize` items and opaque tokens bound to the filter.
/// - `failNext` makes the next requests fail with 429/503 and `Retry-After`.
/// - With an executor (`setPipelineExecutor`) a pipeline job runs it before it can be seen succeeded: the test
///   writes the job's output artifacts there. With a predictor (`setBatchPredictor`) a batch prediction job
///   reads its instances from storage, asks the predictor, and writes Vertex's JSONL output before it can be
///   seen succeeded. Without them jobs succeed with nothing written.
public actor FakeVertex {
    public nonisolated let projectID: String
    public nonisolated let projectNumber = "123456789012"
    public nonisolated let location: String

    var maximumPageSize = 10
    /// Gets of an operation that still answer `done: false`.
    var operationPollsUntilDone = 2
    /// Observations a job spends in each of PENDING and RUNNING.
    var observationsPerState = 1

    public private(set) var requests: [RecordedRequest] = []
    private let schema: DiscoverySchema
    private var clock = FakeClock()
    private var sequence = 0
    private var injected: [FakeError] = []
    private var denials: [FakeDenial] = []

    private var pipelineJobs: [String: PipelineJobRecord] = [:]
    private var models: [String: ModelRecord] = [:]
    private var endpoints: [String: EndpointRecord] = [:]
    private var batchJobs: [String: BatchJobRecord] = [:]
    private var operations: [String: OperationRecord] = [:]
    /// Outcomes set by tests, by pipeline job id.
    private var pipelineOutcomes: [String: String] = [:]
    private var blessings: [String: Bool] = [:]
    private var nextOperationError: RPCStatus?
    private var pipelineExecutor: PipelineExecutor?
    private var batchPredictor: (objects: any ObjectStore, predict: BatchPredictor)?

    /// A fake of one project (by id; resource names carry the project number) and location.
    public init(projectID: String = "steward-test", location: String = "us-central1") throws {
        self.projectID = projectID
        self.location = location
        schema = try DiscoverySchema(fixture: "aiplatform.v1.fragment.json")
    }

    public var parent: String { "projects/\(projectNumber)/locations/\(location)" }

    // MARK: Test controls

    public func failNext(_ count: Int, status: Int = 503, retryAfter: String? = "1") {
        injected += FakeError.injected(count, status: status, retryAfter: retryAfter)
    }

    /// Refuses every matching request until `allowAll()`, e.g. `pipelineJobs.create` with 403 PERMISSION_DENIED.
    public func deny(_ denial: FakeDenial) { denials.append(denial) }
    public func allowAll() { denials.removeAll() }

    public func setMaximumPageSize(_ size: Int) { maximumPageSize = size }
    public func setOperationPollsUntilDone(_ count: Int) { operationPollsUntilDone = count }
    /// How many observations a job spends in each of PENDING and RUNNING (1 by default); a large number keeps
    /// jobs from finishing, as long training runs do.
    public func setObservationsPerState(_ count: Int) { observationsPerState = count }
    /// The final state of a pipeline job (`PIPELINE_STATE_FAILED`, …); succeeded by default.
    public func setOutcome(pipelineJob id: String, _ state: String) { pipelineOutcomes[id] = state }
    /// The blessing a job's ModelBlessing artifacts report; blessed by default.
    public func setBlessed(pipelineJob id: String, _ blessed: Bool) { blessings[id] = blessed }
    /// The next long-running operation created ends with this error.
    public func failNextOperation(_ status: RPCStatus) { nextOperationError = status }

    /// What a pipeline job does once it would succeed: the job shows RUNNING until the executor has returned,
    /// then SUCCEEDED (FAILED when it throws). A job whose outcome is set to something else never runs it.
    public func setPipelineExecutor(_ executor: @escaping PipelineExecutor) { pipelineExecutor = executor }

    /// How batch prediction jobs predict: once a job would succeed it reads its instances through `objects`
    /// (`file-list`: one URI per line of each input file, each instance the URI as a string; `jsonl`: one JSON
    /// value per line), asks `predict` for one prediction per instance, and writes
    /// `prediction.results-00000-of-00001` (lines `{"instance": …, "prediction": …}`) and an empty
    /// `prediction.errors_stats-00000-of-00001` into its output directory. The job shows RUNNING until then,
    /// and FAILED when reading, predicting or writing throws.
    public func setBatchPredictor(objects: any ObjectStore, _ predict: @escaping BatchPredictor) {
        batchPredictor = (objects, predict)
    }

    /// Adds a model directly, as if uploaded long ago.
    public func seedModel(id: String, displayName: String, labels: [String: String] = [:]) {
        let name = "\(parent)/models/\(id)"
        models[id] = ModelRecord(sequence: next(), model: .object([
            "name": .string(name), "displayName": .string(displayName), "labels": .object(labels.mapValues { .string($0) }),
            "versionId": .string("1"), "createTime": .string(clock.tick()),
        ]))
    }

    public func pipelineJobCount() -> Int { pipelineJobs.count }
    public func batchJobCount() -> Int { batchJobs.count }
    public func modelCount() -> Int { models.count }
    public func endpointCount() -> Int { endpoints.count }
    public func requests(_ method: String, pathSuffix: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path.hasSuffix(pathSuffix) }
    }

    // MARK: Serving

    public func handle(_ request: FakeRequest) async -> FakeResponse {
        await runDueWork()
        return answer(request, injected: &injected, denials: denials, log: &requests) { (request) throws(FakeError) in try route(request) }
    }

    private func route(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let rest = try resourceSegments(request.path, projectID: projectID, projectNumber: projectNumber, location: location)
        switch (request.method, rest.count) {
        case ("POST", 1) where rest[0] == "pipelineJobs":
            return try createPipelineJob(request)
        case ("GET", 1) where rest[0] == "pipelineJobs":
            return try list(request, method: "aiplatform.projects.locations.pipelineJobs.list", field: "pipelineJobs",
                            records: pipelineJobs.values.map { ($0.sequence, $0.labels, $0.id) }) { observe(pipelineJob: $0, detail: false) }
        case ("GET", 2) where rest[0] == "pipelineJobs":
            try checkQuery(request, "aiplatform.projects.locations.pipelineJobs.get")
            guard pipelineJobs[rest[1]] != nil else { throw FakeError.notFound("PipelineJob \(rest[1]) does not exist.") }
            return ok(observe(pipelineJob: rest[1], detail: true))
        case ("POST", 2) where rest[0] == "pipelineJobs" && rest[1].hasSuffix(":cancel"):
            return try cancelPipelineJob(String(rest[1].dropLast(7)), request)
        case ("POST", 1) where rest[0] == "models:upload":
            return try uploadModel(request)
        case ("GET", 1) where rest[0] == "models":
            return try list(request, method: "aiplatform.projects.locations.models.list", field: "models",
                            records: models.map { ($0.value.sequence, labels(of: $0.value.model), $0.key) }) { models[$0]!.model }
        case ("GET", 2) where rest[0] == "models":
            try checkQuery(request, "aiplatform.projects.locations.models.get")
            let id = String(rest[1].split(separator: "@").first ?? "")
            guard let model = models[id] else { throw FakeError.notFound("Model \(rest[1]) does not exist.") }
            return ok(model.model)
        case ("POST", 1) where rest[0] == "endpoints":
            return try createEndpoint(request)
        case ("GET", 1) where rest[0] == "endpoints":
            return try list(request, method: "aiplatform.projects.locations.endpoints.list", field: "endpoints",
                            records: endpoints.map { ($0.value.sequence, $0.value.labels, $0.key) }) { endpointJSON($0) }
        case ("GET", 2) where rest[0] == "endpoints":
            try checkQuery(request, "aiplatform.projects.locations.endpoints.get")
            guard endpoints[rest[1]] != nil else { throw FakeError.notFound("Endpoint \(rest[1]) does not exist.") }
            return ok(endpointJSON(rest[1]))
        case ("PATCH", 2) where rest[0] == "endpoints":
            return try patchEndpoint(rest[1], request)
        case ("POST", 2) where rest[0] == "endpoints" && rest[1].hasSuffix(":deployModel"):
            return try deployModel(String(rest[1].dropLast(12)), request)
        case ("POST", 2) where rest[0] == "endpoints" && rest[1].hasSuffix(":undeployModel"):
            return try undeployModel(String(rest[1].dropLast(14)), request)
        case ("POST", 1) where rest[0] == "batchPredictionJobs":
            return try createBatchJob(request)
        case ("GET", 1) where rest[0] == "batchPredictionJobs":
            return try list(request, method: "aiplatform.projects.locations.batchPredictionJobs.list",
                            field: "batchPredictionJobs",
                            records: batchJobs.values.map { ($0.sequence, $0.labels, $0.id) }) { observe(batchJob: $0) }
        case ("GET", 2) where rest[0] == "batchPredictionJobs":
            guard batchJobs[rest[1]] != nil else { throw FakeError.notFound("BatchPredictionJob \(rest[1]) does not exist.") }
            return ok(observe(batchJob: rest[1]))
        case ("GET", _) where rest.count >= 2 && rest[rest.count - 2] == "operations":
            return try getOperation("\(parent)/" + rest.joined(separator: "/"))
        default:
            throw FakeError.notFound("The requested URL \(request.path) was not found on this server.")
        }
    }

    // MARK: Shared

    private func next() -> Int {
        sequence += 1
        return sequence
    }

    private func ok(_ value: ProtobufValue) -> FakeResponse {
        FakeResponse(status: 200, body: encodeJSON(value))
    }

    private func checkQuery(_ request: FakeRequest, _ method: String) throws(FakeError) {
        let unknown = schema.unknownParameters(request.query, method: method)
        if let first = unknown.first { throw FakeError.invalid("Invalid JSON payload received. Unknown name \"\(first)\": Cannot bind query parameter.") }
    }

    /// The JSON body, checked against the method's request schema.
    private func body(_ request: FakeRequest, _ method: String) throws(FakeError) -> ProtobufValue {
        try checkQuery(request, method)
        guard let value = try? ProtobufValue(json: request.body) else {
            throw FakeError.invalid("Invalid JSON payload received.")
        }
        if let first = schema.violations(ofBody: value, method: method).first { throw FakeError.invalid(first) }
        return value
    }

    private func labels(of value: ProtobufValue) -> [String: String] {
        (value["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    private func list(_ request: FakeRequest, method: String, field: String, records: [(Int, [String: String], String)],
                      render: (String) -> ProtobufValue) throws(FakeError) -> FakeResponse {
        try checkQuery(request, method)
        let filter = try FakeFilter(request.query["filter"])
        // Newest first (`create_time desc`).
        let ids = records.filter { filter.matches(labels: $0.1) }.sorted { $0.0 > $1.0 }.map(\.2)
        let page = try FakePager(maximumPageSize: maximumPageSize).page(ids, query: request.query)
        var object: [String: ProtobufValue] = [:]
        if !page.items.isEmpty { object[field] = .array(page.items.map(render)) }
        if let next = page.next { object["nextPageToken"] = .string(next) }
        return ok(.object(object))
    }

    private func operation(_ prefix: String, metadataType: String, effect: OperationRecord.Effect) -> ProtobufValue {
        let name = "\(prefix)/operations/\(7_000_000_000_000_000_000 + Int64(next()))"
        let record = OperationRecord(name: name, remaining: operationPollsUntilDone, metadataType: metadataType,
                                     createTime: clock.tick(), effect: effect, error: nextOperationError)
        nextOperationError = nil
        operations[name] = record
        return record.json
    }

    private func getOperation(_ name: String) throws(FakeError) -> FakeResponse {
        guard var record = operations[name] else { throw FakeError.notFound("Operation \(name) does not exist.") }
        if record.done == nil {
            record.remaining -= 1
            if record.remaining <= 0 {
                if let error = record.error {
                    record.done = .failure(error)
                } else {
                    record.done = .success(apply(record.effect))
                }
            }
        }
        operations[name] = record
        return ok(record.json)
    }

    private func apply(_ effect: OperationRecord.Effect) -> ProtobufValue {
        switch effect {
        case .upload(let id, var model):
            let name = "\(parent)/models/\(id)"
            model["name"] = .string(name)
            model["versionId"] = .string("1")
            model["createTime"] = .string(clock.tick())
            models[id] = ModelRecord(sequence: next(), model: .object(model))
            return .object(["@type": .string("type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse"),
                            "model": .string(name), "modelVersionId": .string("1")])
        case .createEndpoint(let id):
            endpoints[id]?.ready = true
            var json = endpointJSON(id).objectValue ?? [:]
            json["@type"] = .string("type.googleapis.com/google.cloud.aiplatform.v1.Endpoint")
            return .object(json)
        case .deploy(let endpointID, var deployed, let split):
            let id = deployed["id"]?.stringValue ?? String(8_000_000_000 + Int64(next()))
            deployed["id"] = .string(id)
            deployed["createTime"] = .string(clock.tick())
            endpoints[endpointID]?.pendingDeployments.remove(id)
            endpoints[endpointID]?.deployed.append(deployed)
            if !split.isEmpty {
                endpoints[endpointID]?.trafficSplit = Dictionary(uniqueKeysWithValues: split.map { ($0.key == "0" ? id : $0.key, $0.value) })
            }
            endpoints[endpointID]?.etag = "etag-\(next())"
            return .object(["@type": .string("type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse"),
                            "deployedModel": .object(deployed)])
        case .undeploy(let endpointID, let deployedID, let split):
            endpoints[endpointID]?.deployed.removeAll { $0["id"]?.stringValue == deployedID }
            if endpoints[endpointID]?.deployed.isEmpty ?? true {
                endpoints[endpointID]?.trafficSplit = [:]
            } else if let split {
                endpoints[endpointID]?.trafficSplit = split
            } else {
                endpoints[endpointID]?.trafficSplit.removeValue(forKey: deployedID)
            }
            endpoints[endpointID]?.etag = "etag-\(next())"
            return .object(["@type": .string("type.googleapis.com/google.cloud.aiplatform.v1.UndeployModelResponse")])
        }
    }

    // MARK: Pipeline jobs

    private func createPipelineJob(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let job = try body(request, "aiplatform.projects.locations.pipelineJobs.create")
        guard job["pipelineSpec"] != nil || job["templateUri"] != nil else {
            throw FakeError.invalid("PipelineJob must set pipeline_spec or template_uri.")
        }
        guard let root = job["runtimeConfig"]?["gcsOutputDirectory"]?.stringValue, root.hasPrefix("gs://") else {
            throw FakeError.invalid("runtime_config.gcs_output_directory is required and must be a gs:// path.")
        }
        try checkVertexLabels(labels(of: job).isEmpty ? nil : labels(of: job))
        if let display = job["displayName"]?.stringValue, display.count > 128 {
            throw FakeError.invalid("display_name must be at most 128 characters.")
        }
        let id: String
        if let given = request.query["pipelineJobId"] {
            guard fullMatch(given, "[a-z][-a-z0-9]{0,127}") else { throw FakeError.invalid("Invalid pipeline_job_id '\(given)'.") }
            id = given
        } else {
            id = "pipeline-\(next())"
        }
        guard pipelineJobs[id] == nil else {
            throw FakeError.alreadyExists("Pipeline job with the specified ID already exists.")
        }
        var stored = job.objectValue ?? [:]
        stored["name"] = .string("\(parent)/pipelineJobs/\(id)")
        stored["createTime"] = .string(clock.tick())
        pipelineJobs[id] = PipelineJobRecord(id: id, sequence: next(), job: stored, labels: labels(of: job))
        return ok(render(pipelineJob: id, detail: false))
    }

    private func cancelPipelineJob(_ id: String, _ request: FakeRequest) throws(FakeError) -> FakeResponse {
        _ = try body(request, "aiplatform.projects.locations.pipelineJobs.cancel")
        guard let record = pipelineJobs[id] else { throw FakeError.notFound("PipelineJob \(id) does not exist.") }
        let current = state(of: record)
        guard ["PIPELINE_STATE_PENDING", "PIPELINE_STATE_RUNNING", "PIPELINE_STATE_QUEUED"].contains(current) else {
            throw FakeError.failedPrecondition("Cannot cancel a pipeline job in state \(current).")
        }
        pipelineJobs[id]?.cancelled = true
        return ok(.object([:]))
    }

    private func state(of record: PipelineJobRecord) -> String {
        if record.cancelled { return "PIPELINE_STATE_CANCELLED" }
        switch record.observations / max(1, observationsPerState) {
        case 0: return "PIPELINE_STATE_PENDING"
        case 1: return "PIPELINE_STATE_RUNNING"
        default:
            let outcome = pipelineOutcomes[record.id] ?? "PIPELINE_STATE_SUCCEEDED"
            guard outcome == "PIPELINE_STATE_SUCCEEDED", pipelineExecutor != nil else { return outcome }
            // Succeeded only once the executor has written the outputs.
            switch record.execution {
            case .done: return outcome
            case .failed: return "PIPELINE_STATE_FAILED"
            case .notStarted, .running: return "PIPELINE_STATE_RUNNING"
            }
        }
    }

    /// Whether the job would succeed on its next observation but its executor has not run yet.
    private func isDueToExecute(_ record: PipelineJobRecord) -> Bool {
        pipelineExecutor != nil && !record.cancelled && record.execution == .notStarted
            && record.observations / max(1, observationsPerState) >= 2
            && (pipelineOutcomes[record.id] ?? "PIPELINE_STATE_SUCCEEDED") == "PIPELINE_STATE_SUCCEEDED"
    }

    /// One observation: the state shown, then a step on.
    private func observe(pipelineJob id: String, detail: Bool) -> ProtobufValue {
        let json = render(pipelineJob: id, detail: detail)
        pipelineJobs[id]?.observations += 1
        return json
    }

    private func render(pipelineJob id: String, detail: Bool) -> ProtobufValue {
        guard var record = pipelineJobs[id] else { return .null }
        var job = record.job
        let current = state(of: record)
        job["state"] = .string(current)
        if current != "PIPELINE_STATE_PENDING" {
            if record.startTime == nil { record.startTime = clock.tick() }
            job["startTime"] = .string(record.startTime!)
        }
        let finished = ["PIPELINE_STATE_SUCCEEDED", "PIPELINE_STATE_FAILED", "PIPELINE_STATE_CANCELLED"].contains(current)
        if finished {
            if record.endTime == nil { record.endTime = clock.tick() }
            job["endTime"] = .string(record.endTime!)
        }
        if current == "PIPELINE_STATE_FAILED" {
            var message = "The DAG failed because some tasks failed."
            if case .failed(let detail) = record.execution { message += " \(detail)" }
            job["error"] = .object(["code": .int(9), "message": .string(message)])
        } else if current == "PIPELINE_STATE_CANCELLED" {
            job["error"] = .object(["code": .int(1), "message": .string("CANCELED")])
        }
        if detail && current == "PIPELINE_STATE_SUCCEEDED" { job["jobDetail"] = jobDetail(record) }
        pipelineJobs[id] = record
        return .object(job)
    }

    /// One task of a job's root DAG: its name, its id and its component's output artifacts (key, schema title,
    /// URI), the artifacts under `{gcsOutputDirectory}/{job id}/{task}_{task id}/{output key}`.
    private struct TaskOutputs {
        var name: String
        var id: String
        var artifacts: [(key: String, title: String, uri: String)]
    }

    private func tasks(of record: PipelineJobRecord) -> [TaskOutputs] {
        let spec = record.job["pipelineSpec"]
        let root = record.job["runtimeConfig"]?["gcsOutputDirectory"]?.stringValue ?? "gs://unknown"
        var tasks: [TaskOutputs] = []
        for (index, (taskName, task)) in (spec?["root"]?["dag"]?["tasks"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }).enumerated() {
            let taskID = String(4_000_000_000_000_000 + index)
            let component = task["componentRef"]?["name"]?.stringValue.flatMap { spec?["components"]?[$0] }
            let artifacts = (component?["outputDefinitions"]?["artifacts"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                .map { key, definition in
                    (key: key, title: definition["artifactType"]?["schemaTitle"]?.stringValue ?? "system.Artifact",
                     uri: "\(root)/\(record.id)/\(taskName)_\(taskID)/\(key)")
                }
            tasks.append(TaskOutputs(name: taskName, id: taskID, artifacts: artifacts))
        }
        return tasks
    }

    /// Task details from the spec: every task of the root DAG, with its component's output artifacts.
    private func jobDetail(_ record: PipelineJobRecord) -> ProtobufValue {
        var details: [ProtobufValue] = []
        for task in tasks(of: record) {
            var outputs: [String: ProtobufValue] = [:]
            for (key, title, uri) in task.artifacts {
                var artifact: [String: ProtobufValue] = [
                    "name": .string("\(parent)/metadataStores/default/artifacts/\(task.id)-\(key)"),
                    "uri": .string(uri), "schemaTitle": .string(title), "state": .string("LIVE"),
                ]
                if title.hasSuffix("ModelBlessing") {
                    artifact["metadata"] = .object(["blessed": .int((blessings[record.id] ?? true) ? 1 : 0)])
                }
                outputs[key] = .object(["artifacts": .array([.object(artifact)])])
            }
            details.append(.object(["taskId": .string(task.id), "taskName": .string(task.name),
                                    "state": .string("SUCCEEDED"), "outputs": .object(outputs)]))
        }
        return .object(["taskDetails": .array(details)])
    }

    // MARK: Models

    private func uploadModel(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let upload = try body(request, "aiplatform.projects.locations.models.upload")
        guard var model = upload["model"]?.objectValue else { throw FakeError.invalid("model is required.") }
        guard let display = model["displayName"]?.stringValue, !display.isEmpty else {
            throw FakeError.invalid("model.display_name is required.")
        }
        guard model["containerSpec"]?["imageUri"]?.stringValue?.isEmpty == false else {
            throw FakeError.invalid("model.container_spec.image_uri is required.")
        }
        try checkVertexLabels(labels(of: .object(model)).isEmpty ? nil : labels(of: .object(model)))
        let id: String
        if let given = upload["modelId"]?.stringValue {
            guard fullMatch(given, "[a-z_][a-z0-9_-]{0,62}") else { throw FakeError.invalid("Invalid model_id '\(given)'.") }
            id = given
        } else {
            id = String(5_000_000_000_000_000_000 + Int64(next()))
        }
        let pending = operations.values.contains { if case .upload(let other, _) = $0.effect, other == id, $0.done == nil { return true } else { return false } }
        guard models[id] == nil, !pending else { throw FakeError.alreadyExists("Model with id \(id) already exists.") }
        model.removeValue(forKey: "name")
        return ok(operation("\(parent)/models/\(id)",
                            metadataType: "google.cloud.aiplatform.v1.UploadModelOperationMetadata",
                            effect: .upload(id: id, model: model)))
    }

    // MARK: Endpoints

    private func endpointJSON(_ id: String) -> ProtobufValue {
        guard let record = endpoints[id] else { return .null }
        var json = record.endpoint
        json["name"] = .string("\(parent)/endpoints/\(id)")
        if !record.deployed.isEmpty { json["deployedModels"] = .array(record.deployed.map { .object($0) }) }
        if !record.trafficSplit.isEmpty { json["trafficSplit"] = .object(record.trafficSplit.mapValues { .int(Int64($0)) }) }
        json["etag"] = .string(record.etag)
        return .object(json)
    }

    private func createEndpoint(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let endpoint = try body(request, "aiplatform.projects.locations.endpoints.create")
        guard endpoint["displayName"]?.stringValue?.isEmpty == false else { throw FakeError.invalid("display_name is required.") }
        try checkVertexLabels(labels(of: endpoint).isEmpty ? nil : labels(of: endpoint))
        let id: String
        if let given = request.query["endpointId"] {
            guard fullMatch(given, "[a-z]([a-z0-9-]{0,61}[a-z0-9])?") || fullMatch(given, "[1-9][0-9]{0,8}") else {
                throw FakeError.invalid("Invalid endpoint_id '\(given)'.")
            }
            id = given
        } else {
            id = String(6_000_000_000_000_000_000 + Int64(next()))
        }
        guard endpoints[id] == nil else { throw FakeError.alreadyExists("Endpoint \(id) already exists.") }
        var stored = endpoint.objectValue ?? [:]
        stored["createTime"] = .string(clock.tick())
        stored.removeValue(forKey: "etag")
        endpoints[id] = EndpointRecord(sequence: next(), endpoint: stored, labels: labels(of: endpoint), etag: "etag-\(next())")
        return ok(operation("\(parent)/endpoints/\(id)",
                            metadataType: "google.cloud.aiplatform.v1.CreateEndpointOperationMetadata",
                            effect: .createEndpoint(id: id)))
    }

    private func readyEndpoint(_ id: String) throws(FakeError) -> EndpointRecord {
        guard let record = endpoints[id], record.ready else { throw FakeError.notFound("Endpoint \(id) does not exist.") }
        return record
    }

    private func checkSplit(_ split: [String: Int], allowed: Set<String>) throws(FakeError) {
        for key in split.keys where !allowed.contains(key) {
            throw FakeError.invalid("Deployed model \(key) in traffic_split does not exist on the endpoint.")
        }
        if !split.isEmpty && split.values.reduce(0, +) != 100 {
            throw FakeError.invalid("Sum of all traffic_split values must be 100.")
        }
    }

    private func deployModel(_ endpointID: String, _ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let deploy = try body(request, "aiplatform.projects.locations.endpoints.deployModel")
        let record = try readyEndpoint(endpointID)
        guard var deployed = deploy["deployedModel"]?.objectValue else { throw FakeError.invalid("deployed_model is required.") }
        guard let model = deployed["model"]?.stringValue, !model.isEmpty else { throw FakeError.invalid("deployed_model.model is required.") }
        let modelID = String(model.split(separator: "/").last?.split(separator: "@").first ?? "")
        guard models[modelID] != nil else { throw FakeError.notFound("Model \(model) does not exist.") }
        guard let resources = deployed["dedicatedResources"], deployed["automaticResources"] == nil,
              resources["machineSpec"]?["machineType"]?.stringValue != nil,
              (resources["minReplicaCount"]?.intValue ?? 0) >= 1 else {
            throw FakeError.invalid("deployed_model.dedicated_resources with a machine type and min_replica_count >= 1 is required.")
        }
        let existingIDs = Set(record.deployed.compactMap { $0["id"]?.stringValue })
        if let id = deployed["id"]?.stringValue {
            guard fullMatch(id, "[0-9]{1,10}") else { throw FakeError.invalid("Invalid deployed_model.id '\(id)'.") }
            guard !existingIDs.contains(id), !record.pendingDeployments.contains(id) else {
                throw FakeError.alreadyExists("Deployed model \(id) already exists on endpoint \(endpointID).")
            }
            endpoints[endpointID]?.pendingDeployments.insert(id)
        }
        let split = (deploy["trafficSplit"]?.objectValue ?? [:]).compactMapValues { $0.intValue.map(Int.init) }
        try checkSplit(split, allowed: existingIDs.union(["0"]))
        if !split.isEmpty && split["0"] == nil { throw FakeError.invalid("traffic_split must name the deployed model as \"0\".") }
        deployed["model"] = .string("\(parent)/models/\(modelID)")
        return ok(operation("\(parent)/endpoints/\(endpointID)",
                            metadataType: "google.cloud.aiplatform.v1.DeployModelOperationMetadata",
                            effect: .deploy(endpoint: endpointID, deployed: deployed, split: split)))
    }

    private func undeployModel(_ endpointID: String, _ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let undeploy = try body(request, "aiplatform.projects.locations.endpoints.undeployModel")
        let record = try readyEndpoint(endpointID)
        guard let deployedID = undeploy["deployedModelId"]?.stringValue else { throw FakeError.invalid("deployed_model_id is required.") }
        let ids = Set(record.deployed.compactMap { $0["id"]?.stringValue })
        guard ids.contains(deployedID) else { throw FakeError.notFound("Deployed model \(deployedID) does not exist.") }
        let given = undeploy["trafficSplit"]?.objectValue?.compactMapValues { $0.intValue.map(Int.init) }
        if let given, !given.isEmpty {
            try checkSplit(given, allowed: ids)
            if (given[deployedID] ?? 0) > 0 {
                throw FakeError.failedPrecondition("Deployed model \(deployedID) would still receive traffic.")
            }
        } else if ids.count > 1, (record.trafficSplit[deployedID] ?? 0) > 0 {
            throw FakeError.failedPrecondition("Deployed model \(deployedID) has traffic; unassign it first.")
        }
        return ok(operation("\(parent)/endpoints/\(endpointID)",
                            metadataType: "google.cloud.aiplatform.v1.UndeployModelOperationMetadata",
                            effect: .undeploy(endpoint: endpointID, deployedID: deployedID,
                                              split: given?.isEmpty == false ? given : nil)))
    }

    private func patchEndpoint(_ endpointID: String, _ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let patch = try body(request, "aiplatform.projects.locations.endpoints.patch")
        let record = try readyEndpoint(endpointID)
        guard let mask = request.query["updateMask"], !mask.isEmpty else { throw FakeError.invalid("update_mask is required.") }
        if let etag = patch["etag"]?.stringValue, etag != record.etag {
            throw FakeError(http: 409, status: "ABORTED", message: "The etag does not match the endpoint's.")
        }
        for path in mask.split(separator: ",") {
            switch path {
            case "trafficSplit", "traffic_split":
                let split = (patch["trafficSplit"]?.objectValue ?? [:]).compactMapValues { $0.intValue.map(Int.init) }
                try checkSplit(split, allowed: Set(record.deployed.compactMap { $0["id"]?.stringValue }))
                if split.isEmpty && !record.deployed.isEmpty { throw FakeError.invalid("Sum of all traffic_split values must be 100.") }
                endpoints[endpointID]?.trafficSplit = split
            case "labels":
                let newLabels = labels(of: patch)
                try checkVertexLabels(newLabels)
                endpoints[endpointID]?.labels = newLabels
                endpoints[endpointID]?.endpoint["labels"] = patch["labels"]
            case "displayName", "display_name":
                endpoints[endpointID]?.endpoint["displayName"] = patch["displayName"]
            default:
                throw FakeError.invalid("Unsupported update_mask path '\(path)'.")
            }
        }
        endpoints[endpointID]?.etag = "etag-\(next())"
        return ok(endpointJSON(endpointID))
    }

    // MARK: Batch prediction jobs

    private func createBatchJob(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let job = try body(request, "aiplatform.projects.locations.batchPredictionJobs.create")
        guard job["displayName"]?.stringValue?.isEmpty == false else { throw FakeError.invalid("display_name is required.") }
        guard let model = job["model"]?.stringValue else { throw FakeError.invalid("model is required.") }
        let modelID = String(model.split(separator: "/").last?.split(separator: "@").first ?? "")
        guard let modelRecord = models[modelID] else { throw FakeError.notFound("Model \(model) does not exist.") }
        let formats = ["jsonl", "csv", "tf-record", "tf-record-gzip", "bigquery", "file-list"]
        guard let format = job["inputConfig"]?["instancesFormat"]?.stringValue, formats.contains(format) else {
            throw FakeError.invalid("input_config.instances_format is required and must be one of \(formats).")
        }
        guard let uris = job["inputConfig"]?["gcsSource"]?["uris"]?.arrayValue, !uris.isEmpty,
              uris.allSatisfy({ $0.stringValue?.hasPrefix("gs://") == true }) else {
            throw FakeError.invalid("input_config.gcs_source.uris must list gs:// URIs.")
        }
        guard ["jsonl", "csv", "bigquery"].contains(job["outputConfig"]?["predictionsFormat"]?.stringValue ?? "") else {
            throw FakeError.invalid("output_config.predictions_format is required.")
        }
        guard let prefix = job["outputConfig"]?["gcsDestination"]?["outputUriPrefix"]?.stringValue, prefix.hasPrefix("gs://") else {
            throw FakeError.invalid("output_config.gcs_destination.output_uri_prefix is required.")
        }
        try checkVertexLabels(labels(of: job).isEmpty ? nil : labels(of: job))
        let id = String(3_000_000_000_000_000_000 + Int64(next()))
        var stored = job.objectValue ?? [:]
        stored["name"] = .string("\(parent)/batchPredictionJobs/\(id)")
        let created = clock.tick()
        stored["createTime"] = .string(created)
        var record = BatchJobRecord(id: id, sequence: next(), job: stored, labels: labels(of: job))
        let modelName = modelRecord.model["displayName"]?.stringValue ?? modelID
        let stamp = Instant(rfc3339: created).map(\.rfc3339) ?? created
        record.outputDirectory = (prefix.hasSuffix("/") ? prefix : prefix + "/") + "prediction-\(modelName)-\(stamp)"
        batchJobs[id] = record
        return ok(renderBatch(id))
    }

    private func observe(batchJob id: String) -> ProtobufValue {
        let json = renderBatch(id)
        batchJobs[id]?.observations += 1
        return json
    }

    private func renderBatch(_ id: String) -> ProtobufValue {
        guard let record = batchJobs[id] else { return .null }
        var job = record.job
        let step = record.observations / max(1, observationsPerState)
        var state = step == 0 ? "JOB_STATE_PENDING" : step == 1 ? "JOB_STATE_RUNNING" : "JOB_STATE_SUCCEEDED"
        var successful = job["inputConfig"]?["gcsSource"]?["uris"]?.arrayValue?.count ?? 0
        if state == "JOB_STATE_SUCCEEDED", batchPredictor != nil {
            // Succeeded only once the predictions are written.
            switch record.execution {
            case .done: successful = record.predictions
            case .failed(let message):
                state = "JOB_STATE_FAILED"
                job["error"] = .object(["code": .int(13), "message": .string(message)])
            case .notStarted, .running: state = "JOB_STATE_RUNNING"
            }
        }
        job["state"] = .string(state)
        if state == "JOB_STATE_SUCCEEDED" {
            job["outputInfo"] = .object(["gcsOutputDirectory": .string(record.outputDirectory)])
            job["completionStats"] = .object(["successfulCount": .string("\(successful)"),
                                              "failedCount": .string("0"), "incompleteCount": .string("0")])
        }
        return .object(job)
    }

    /// Whether the job would succeed on its next observation but its predictions are not written yet.
    private func isDueToPredict(_ record: BatchJobRecord) -> Bool {
        batchPredictor != nil && record.execution == .notStarted && record.observations / max(1, observationsPerState) >= 2
    }

    // MARK: Work of jobs

    /// Runs the executor of every pipeline job and the predictions of every batch job due to succeed. The
    /// actor is re-entered while they run: a job is marked running first, so that no request starts it twice,
    /// and shows RUNNING until its work has ended.
    private func runDueWork() async {
        guard pipelineExecutor != nil || batchPredictor != nil else { return }
        for id in pipelineJobs.keys.sorted() {
            guard let record = pipelineJobs[id], isDueToExecute(record), let executor = pipelineExecutor else { continue }
            pipelineJobs[id]?.execution = .running
            var artifacts: [String: [String: String]] = [:]
            for task in tasks(of: record) {
                artifacts[task.name] = Dictionary(uniqueKeysWithValues: task.artifacts.map { ($0.key, $0.uri) })
            }
            let execution = PipelineJobExecution(
                jobID: id, parameters: record.job["runtimeConfig"]?["parameterValues"]?.objectValue ?? [:],
                artifacts: artifacts)
            do {
                try await executor(execution)
                pipelineJobs[id]?.execution = .done
            } catch {
                pipelineJobs[id]?.execution = .failed("\(error)")
            }
        }
        for id in batchJobs.keys.sorted() {
            guard let record = batchJobs[id], isDueToPredict(record), let predictor = batchPredictor else { continue }
            batchJobs[id]?.execution = .running
            let modelName = record.job["model"]?.stringValue ?? ""
            let modelID = String(modelName.split(separator: "/").last?.split(separator: "@").first ?? "")
            do {
                let count = try await Self.predict(record, model: modelName,
                                                   artifactURI: models[modelID]?.model["artifactUri"]?.stringValue,
                                                   objects: predictor.objects, predict: predictor.predict)
                batchJobs[id]?.predictions = count
                batchJobs[id]?.execution = .done
            } catch {
                batchJobs[id]?.execution = .failed("\(error)")
            }
        }
    }

    /// Reads a job's instances, predicts them and writes the output files; the number of predictions.
    private static func predict(_ record: BatchJobRecord, model: String, artifactURI: String?, objects: any ObjectStore,
                                predict: BatchPredictor) async throws -> Int {
        let format = record.job["inputConfig"]?["instancesFormat"]?.stringValue ?? ""
        var instances: [ProtobufValue] = []
        for source in record.job["inputConfig"]?["gcsSource"]?["uris"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard case .success(let uri) = StorageURI.parse(source), !source.contains("*") else {
                throw FakeWorkError("the fake reads no input '\(source)'; name objects, without wildcards")
            }
            let lines = String(decoding: try await objects.read(uri), as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            switch format {
            case "file-list":
                instances += lines.map { .string($0) }
            case "jsonl":
                for line in lines {
                    guard let value = try? ProtobufValue(json: Array(line.utf8)) else {
                        throw FakeWorkError("'\(source)' holds a line that is not JSON")
                    }
                    instances.append(value)
                }
            default:
                throw FakeWorkError("the fake predicts no '\(format)' instances")
            }
        }
        let predictions = try await predict(BatchPredictionInput(jobID: record.id, model: model,
                                                                 modelArtifactURI: artifactURI, instances: instances))
        guard predictions.count == instances.count else {
            throw FakeWorkError("the predictor gave \(predictions.count) predictions for \(instances.count) instances")
        }
        var results: [UInt8] = []
        for (instance, prediction) in zip(instances, predictions) {
            results += encodeJSON(ProtobufValue.object(["instance": instance, "prediction": prediction]))
            results.append(UInt8(ascii: "\n"))
        }
        guard case .success(let directory) = StorageURI.parse(record.outputDirectory) else {
            throw FakeWorkError("output directory '\(record.outputDirectory)' is not a gs:// URI")
        }
        try await objects.write(directory.appending("prediction.results-00000-of-00001"), bytes: results,
                                contentType: "application/jsonl")
        try await objects.write(directory.appending("prediction.errors_stats-00000-of-00001"), bytes: [],
                                contentType: "application/jsonl")
        return predictions.count
    }
}

// MARK: Records

struct PipelineJobRecord: Sendable {
    var id: String
    var sequence: Int
    var job: [String: ProtobufValue]
    var labels: [String: String]
    var observations = 0
    var cancelled = false
    var startTime: String?
    var endTime: String?
    var execution = JobExecution.notStarted
}

/// Where the test-supplied work of a job stands.
enum JobExecution: Sendable, Equatable {
    case notStarted, running, done
    case failed(String)
}

/// What a pipeline job's executor gets: the job's parameters and where each task's output artifacts go.
public struct PipelineJobExecution: Sendable {
    /// The pipeline job id.
    public var jobID: String
    /// `runtimeConfig.parameterValues` as the job was created with them.
    public var parameters: [String: ProtobufValue]
    /// Output artifact URIs by task name and output key, as the job's task details report them.
    public var artifacts: [String: [String: String]]

    /// The URI of one task's output artifact.
    public func artifact(task: String, key: String) -> String? { artifacts[task]?[key] }
}

/// Runs a pipeline job's tasks in a test: writes their output artifacts; throwing fails the job.
public typealias PipelineExecutor = @Sendable (PipelineJobExecution) async throws -> Void

/// What a batch prediction job asks its predictor.
public struct BatchPredictionInput: Sendable {
    /// The batch prediction job id.
    public var jobID: String
    /// The job's `model`, as it was created with it.
    public var model: String
    /// The model's `artifactUri`, when the model has one.
    public var modelArtifactURI: String?
    /// The instances in input order, as the output echoes them.
    public var instances: [ProtobufValue]
}

/// One prediction per instance, in order; throwing fails the job.
public typealias BatchPredictor = @Sendable (BatchPredictionInput) async throws -> [ProtobufValue]

/// Why a job's test-supplied work failed.
struct FakeWorkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct ModelRecord: Sendable {
    var sequence: Int
    var model: ProtobufValue
}

struct EndpointRecord: Sendable {
    var sequence: Int
    var endpoint: [String: ProtobufValue]
    var labels: [String: String]
    var etag: String
    var ready = false
    var deployed: [[String: ProtobufValue]] = []
    var trafficSplit: [String: Int] = [:]
    var pendingDeployments: Set<String> = []
}

struct BatchJobRecord: Sendable {
    var id: String
    var sequence: Int
    var job: [String: ProtobufValue]
    var labels: [String: String]
    var observations = 0
    var outputDirectory = ""
    var execution = JobExecution.notStarted
    var predictions = 0
}

struct OperationRecord: Sendable {
    enum Effect: Sendable {
        case upload(id: String, model: [String: ProtobufValue])
        case createEndpoint(id: String)
        case deploy(endpoint: String, deployed: [String: ProtobufValue], split: [String: Int])
        case undeploy(endpoint: String, deployedID: String, split: [String: Int]?)
    }

    enum Outcome: Sendable {
        case success(ProtobufValue)
        case failure(RPCStatus)
    }

    var name: String
    var remaining: Int
    var metadataType: String
    var createTime: String
    var effect: Effect
    var error: RPCStatus?
    var done: Outcome?

    var json: ProtobufValue {
        var object: [String: ProtobufValue] = [
            "name": .string(name),
            "metadata": .object(["@type": .string("type.googleapis.com/\(metadataType)"),
                                 "genericMetadata": .object(["createTime": .string(createTime), "updateTime": .string(createTime)])]),
        ]
        switch done {
        case .success(let response)?:
            object["done"] = .bool(true)
            object["response"] = response
        case .failure(let status)?:
            object["done"] = .bool(true)
            object["error"] = .object(["code": .int(Int64(status.code ?? 2)), "message": .string(status.message ?? "")])
        case nil:
            break
        }
        return .object(object)
    }
}
