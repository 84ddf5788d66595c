import Foundation
import StewardGoogleCloud

/// A contract-exact in-process fake of Cloud Build's regional builds (`api/CONTRACTS.md` §2): create returns
/// an operation whose metadata holds the queued build; builds move QUEUED → WORKING → SUCCESS (or a failure
/// set by the test) over successive observations, seen alike by get and list; list filters by `tags="…"`
/// and pages; bodies are checked against the discovery fragment.
public actor FakeCloudBuild {
    public nonisolated let projectID: String
    public nonisolated let projectNumber = "123456789012"
    public nonisolated let location: String

    var maximumPageSize = 10
    var observationsPerState = 1

    public private(set) var requests: [RecordedRequest] = []
    private let schema: DiscoverySchema
    private var clock = FakeClock()
    private var sequence = 0
    private var injected: [FakeError] = []
    private var denials: [FakeDenial] = []
    private var builds: [String: BuildRecord] = [:]
    /// Operation name → build id.
    private var operations: [String: String] = [:]
    private var nextFailure: String?
    private var stepRunner: StepRunner?

    /// What a build whose step names an `entrypoint` (a command run in an image, not `docker build`) does:
    /// the test runs it where the build would (its source, logs and artifacts in Cloud Storage) and answers
    /// whether it succeeded, with the failure's detail. The build is WORKING until it answers.
    public typealias StepRunner = @Sendable (_ id: String, _ build: ProtobufValue) async -> (succeeded: Bool, detail: String?)

    /// A fake of one project (by id; resource names carry the project number) and location.
    public init(projectID: String = "steward-test", location: String = "us-central1") throws {
        self.projectID = projectID
        self.location = location
        schema = try DiscoverySchema(fixture: "cloudbuild.v1.fragment.json")
    }

    // MARK: Test controls

    public func failNext(_ count: Int, status: Int = 503, retryAfter: String? = "1") {
        injected += FakeError.injected(count, status: status, retryAfter: retryAfter)
    }

    /// Refuses every matching request until `allowAll()`, e.g. `pipelineJobs.create` with 403 PERMISSION_DENIED.
    public func deny(_ denial: FakeDenial) { denials.append(denial) }
    public func allowAll() { denials.removeAll() }

    public func setMaximumPageSize(_ size: Int) { maximumPageSize = size }
    /// The next build created ends with `FAILURE` and this detail.
    public func failNextBuild(_ detail: String) { nextFailure = detail }
    public func buildCount() -> Int { builds.count }
    public func setStepRunner(_ runner: @escaping StepRunner) { stepRunner = runner }
    /// Builds whose tags include `tag`.
    public func builds(tagged tag: String) -> Int { builds.values.filter { $0.tags.contains(tag) }.count }

    private func finished(_ id: String, succeeded: Bool, detail: String?) {
        builds[id]?.ran = succeeded ? .succeeded : .failed(detail ?? "Build step failure")
    }
    public func requests(_ method: String, pathSuffix: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path.hasSuffix(pathSuffix) }
    }

    // MARK: Serving

    public func handle(_ request: FakeRequest) -> FakeResponse {
        return answer(request, injected: &injected, denials: denials, log: &requests) { (request) throws(FakeError) in try route(request) }
    }

    private func route(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        let rest = try resourceSegments(request.path, projectID: projectID, projectNumber: projectNumber, location: location)
        switch (request.method, rest.count) {
        case ("POST", 1) where rest[0] == "builds":
            return try create(request)
        case ("GET", 1) where rest[0] == "builds":
            try checkQuery(request, "cloudbuild.projects.locations.builds.list")
            let filter = try FakeFilter(request.query["filter"])
            let ids = builds.values.filter { filter.matches(tags: $0.tags, status: status(of: $0)) }
                .sorted { $0.sequence > $1.sequence }.map(\.id)
            let page = try FakePager(maximumPageSize: maximumPageSize).page(ids, query: request.query)
            var object: [String: ProtobufValue] = [:]
            if !page.items.isEmpty { object["builds"] = .array(page.items.map { observe($0) }) }
            if let next = page.next { object["nextPageToken"] = .string(next) }
            return ok(.object(object))
        case ("GET", 2) where rest[0] == "builds":
            try checkQuery(request, "cloudbuild.projects.locations.builds.get")
            guard builds[rest[1]] != nil else { throw FakeError.notFound("Build \(rest[1]) does not exist.") }
            return ok(observe(rest[1]))
        case ("GET", 2) where rest[0] == "operations":
            let name = "projects/\(projectNumber)/locations/\(location)/operations/\(rest[1])"
            guard let id = operations[name] else { throw FakeError.notFound("Operation \(name) does not exist.") }
            return ok(operationJSON(name, build: observe(id)))
        default:
            throw FakeError.notFound("The requested URL \(request.path) was not found on this server.")
        }
    }

    private func ok(_ value: ProtobufValue) -> FakeResponse { FakeResponse(status: 200, body: encodeJSON(value)) }

    private func checkQuery(_ request: FakeRequest, _ method: String) throws(FakeError) {
        if let first = schema.unknownParameters(request.query, method: method).first {
            throw FakeError.invalid("Invalid JSON payload received. Unknown name \"\(first)\": Cannot bind query parameter.")
        }
    }

    private func create(_ request: FakeRequest) throws(FakeError) -> FakeResponse {
        try checkQuery(request, "cloudbuild.projects.locations.builds.create")
        guard let build = try? ProtobufValue(json: request.body) else { throw FakeError.invalid("Invalid JSON payload received.") }
        if let first = schema.violations(ofBody: build, method: "cloudbuild.projects.locations.builds.create").first {
            throw FakeError.invalid(first)
        }
        guard let steps = build["steps"]?.arrayValue, !steps.isEmpty,
              steps.allSatisfy({ $0["name"]?.stringValue?.isEmpty == false }) else {
            throw FakeError.invalid("Build must have at least one step, each with a name.")
        }
        guard let bucket = build["source"]?["storageSource"]?["bucket"]?.stringValue, !bucket.isEmpty,
              let object = build["source"]?["storageSource"]?["object"]?.stringValue,
              object.hasSuffix(".tar.gz") || object.hasSuffix(".tgz") || object.hasSuffix(".zip") else {
            throw FakeError.invalid("source.storage_source needs a bucket and a .tar.gz or .zip object.")
        }
        let tags = build["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for tag in tags where !fullMatch(tag, "[\\w][\\w.-]{0,127}") {
            throw FakeError.invalid("Invalid build tag \"\(tag)\": must match ^[\\w][\\w.-]{0,127}$.")
        }
        for image in build["images"]?.arrayValue?.compactMap(\.stringValue) ?? [] where image.isEmpty || image.contains(" ") {
            throw FakeError.invalid("Invalid image name \"\(image)\".")
        }
        sequence += 1
        let hex = String(sequence, radix: 16)
        let id = String(repeating: "0", count: max(0, 8 - hex.count)) + hex + "-0000-4000-8000-000000000000"
        var stored = build.objectValue ?? [:]
        stored["id"] = .string(id)
        stored["name"] = .string("projects/\(projectNumber)/locations/\(location)/builds/\(id)")
        stored["projectId"] = .string(projectID)
        stored["createTime"] = .string(clock.tick())
        stored["logUrl"] = .string("https://console.cloud.google.com/cloud-build/builds;region=\(location)/\(id)?project=\(projectNumber)")
        builds[id] = BuildRecord(id: id, sequence: sequence, build: stored, tags: tags, failure: nextFailure)
        nextFailure = nil
        if let stepRunner, steps.first?["entrypoint"]?.stringValue != nil {
            builds[id]?.ran = .running
            let snapshot = ProtobufValue.object(stored)
            Task { [weak self] in
                let outcome = await stepRunner(id, snapshot)
                await self?.finished(id, succeeded: outcome.succeeded, detail: outcome.detail)
            }
        }
        let operation = "projects/\(projectNumber)/locations/\(location)/operations/op-\(id)"
        operations[operation] = id
        return ok(operationJSON(operation, build: render(id)))
    }

    private func status(of record: BuildRecord) -> String {
        switch record.ran {
        case .running: return record.observations == 0 ? "QUEUED" : "WORKING"
        case .succeeded: return "SUCCESS"
        case .failed: return "FAILURE"
        case nil: break
        }
        return switch record.observations / max(1, observationsPerState) {
        case 0: "QUEUED"
        case 1: "WORKING"
        default: record.failure == nil ? "SUCCESS" : "FAILURE"
        }
    }

    private func observe(_ id: String) -> ProtobufValue {
        let json = render(id)
        builds[id]?.observations += 1
        return json
    }

    private func render(_ id: String) -> ProtobufValue {
        guard var record = builds[id] else { return .null }
        var build = record.build
        let current = status(of: record)
        build["status"] = .string(current)
        if current != "QUEUED" {
            if record.startTime == nil { record.startTime = clock.tick() }
            build["startTime"] = .string(record.startTime!)
        }
        if current == "SUCCESS" || current == "FAILURE" {
            if record.finishTime == nil { record.finishTime = clock.tick() }
            build["finishTime"] = .string(record.finishTime!)
        }
        if current == "SUCCESS", let images = build["images"]?.arrayValue {
            build["results"] = .object(["images": .array(images.map {
                .object(["name": $0, "digest": .string("sha256:" + String(repeating: "ab", count: 32))])
            })])
        }
        if current == "FAILURE", case .failed(let detail)? = record.ran {
            build["failureInfo"] = .object(["type": .string("USER_BUILD_STEP"), "detail": .string(detail)])
            build["statusDetail"] = .string(detail)
        } else if current == "FAILURE", let failure = record.failure {
            build["failureInfo"] = .object(["type": .string("USER_BUILD_STEP"), "detail": .string(failure)])
            build["statusDetail"] = .string(failure)
        }
        builds[id] = record
        return .object(build)
    }

    private func operationJSON(_ name: String, build: ProtobufValue) -> ProtobufValue {
        var object: [String: ProtobufValue] = [
            "name": .string(name),
            "metadata": .object(["@type": .string("type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata"),
                                 "build": build]),
        ]
        let status = build["status"]?.stringValue ?? ""
        if status == "SUCCESS" {
            object["done"] = .bool(true)
            var response = build.objectValue ?? [:]
            response["@type"] = .string("type.googleapis.com/google.devtools.cloudbuild.v1.Build")
            object["response"] = .object(response)
        } else if status == "FAILURE" {
            object["done"] = .bool(true)
            object["error"] = .object(["code": .int(2), "message": .string(build["statusDetail"]?.stringValue ?? "build failed")])
        }
        return .object(object)
    }
}

struct BuildRecord: Sendable {
    var id: String
    var sequence: Int
    var build: [String: ProtobufValue]
    var tags: [String]
    var failure: String?
    var observations = 0
    /// For a build run by the test's step runner: how far it got.
    var ran: Ran?
    var startTime: String?
    var finishTime: String?
}

/// A build run by a `FakeCloudBuild.StepRunner`.
enum Ran: Sendable {
    case running
    case succeeded
    case failed(String)
}
