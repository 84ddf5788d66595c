import Foundation
import Logging
import StewardCore
import StewardFakes
import StewardGit
import StewardGitHub
import StewardGoogleCloud
import StewardHTTP
import StewardManifests
import StewardRuntime
import StewardStore
import Synchronization
import Testing

/// The quickstart on the `gcp` provider, in process: the real Reconciler over a real git repository (libgit2) and
/// a real SQLite state store, with the gcp adapters wired as `steward` wires them (Cloud Storage at the real
/// fake-gcs-server, Vertex AI and Cloud Build at their contract fakes, releases at the GitHub fake), but with fast
/// operation polling and the Applier's fault hook within reach.
///
/// The Vertex fake runs the quickstart's own code where Vertex would run a container: a pipeline job's trainer is
/// `training_pipeline/train.py` on copies of the spans and modules the run names, its model and `BLESSED` uploaded
/// to the task's artifact folders; a batch prediction is `training_pipeline/predict.py` with the model the job
/// names, on copies of the listed samples. So the model is wrong on drifted data until it is retrained on it.
struct GoogleCloudLoop: Sendable {
    static let project = "steward-test"
    static let region = "us-central1"
    /// Data, collection, pipeline root and modules (the quickstart's `gs://quickstart/…`).
    static let bucket = "quickstart"
    /// The Project's bucket: Cloud Build sources.
    static let stewardBucket = "quickstart-steward"
    static let releaseRepository = "example/quickstart"
    static let dataRoot = StorageURI(bucket: bucket, path: "data")
    static let collection = StorageURI(bucket: bucket, path: "collection")
    static let evaluations = StorageURI(bucket: bucket, path: "pipeline-root/evaluations")

    static let logger = Logger(label: "steward-gcp-loop") { _ in SwiftLogNoOpLogHandler() }
    static let polling = OperationPolling(initialInterval: .milliseconds(5), multiplier: 1.5,
                                          maximumInterval: .milliseconds(20), deadline: .seconds(20))
    static let clock: @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }

    let folder: String
    let vertex: FakeVertex
    let cloudBuild: FakeCloudBuild
    let github: FakeGitHub
    /// Cloud Storage at fake-gcs-server, as the adapters see it.
    let objects: GCSObjectStore
    let providers: Providers

    var repo: String { folder + "/repo" }
    var statePath: String { folder + "/state.db" }

    /// Runs `body` in a fresh environment: the quickstart committed with a gcp Project, empty buckets, fresh fakes.
    static func with(_ body: @escaping @Sendable (GoogleCloudLoop) async throws -> Void) async throws {
        try await FakeGCSServer.with { gcs in
            for name in [bucket, stewardBucket] { try await gcs.createBucket(name) }
            let configuration = FakeGitHub.Configuration(token: "loop-dummy-token", repositories: [releaseRepository])
            try await FakeGitHub.run(configuration) { github in
                let vertex = try FakeVertex(projectID: project, location: region)
                await vertex.setOperationPollsUntilDone(1)
                let cloudBuild = try FakeCloudBuild(projectID: project, location: region)
                let vertexServer = try await FakeServer.start { await vertex.handle($0) }
                let cloudBuildServer = try await FakeServer.start { await cloudBuild.handle($0) }
                let folder = FileManager.default.temporaryDirectory
                    .appendingPathComponent("steward-gcp-loop-\(UUID().uuidString.prefix(8))").path

                let wire = AsyncHTTPTransport()
                let objects = GCSObjectStore(client: StorageClient(baseURL: gcs.baseURL, transport: wire, logger: logger))
                let apis = GoogleCloudAPIs(
                    project: project, region: region, transport: wire,
                    environment: [GoogleCloudAPIs.vertexEndpointVariable: vertexServer.baseURL,
                                  GoogleCloudAPIs.cloudBuildEndpointVariable: cloudBuildServer.baseURL],
                    polling: polling, logger: logger)
                let client = try GitHubClient.fromEnvironment(["GITHUB_API_URL": github.baseURL, "GITHUB_TOKEN": github.token],
                                                              transport: wire, stewardVersion: "test", logger: logger)
                let providers = Providers(
                    kind: .gcp, objects: objects,
                    images: apis.imageBuilder(staging: StorageURI(bucket: stewardBucket), objects: objects),
                    pipelines: apis.pipelineService(objects: objects), models: apis.modelRegistry(),
                    endpoints: apis.endpointService(), batch: apis.batchPredictionService(objects: objects),
                    releases: GitHubReleaseService(client: client, logger: logger),
                    checks: apis.checkService(staging: StorageURI(bucket: stewardBucket), objects: objects))
                let loop = GoogleCloudLoop(folder: folder, vertex: vertex, cloudBuild: cloudBuild, github: github,
                                           objects: objects, providers: providers)
                await vertex.setPipelineExecutor { try await loop.train($0) }
                await vertex.setBatchPredictor(objects: objects) { try await loop.predict($0) }
                let checks = CheckBuildRunner(objects: objects, folder: folder + "/cloud-build")
                try checks.prepare()
                await cloudBuild.setStepRunner { id, build in await checks.run(id, build) }
                do {
                    try await loop.makeRepository()
                    try await body(loop)
                } catch {
                    await vertexServer.stop()
                    await cloudBuildServer.stop()
                    try? FileManager.default.removeItem(atPath: folder)
                    throw error
                }
                await vertexServer.stop()
                await cloudBuildServer.stop()
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
    }

    /// The quickstart as it ships, its Project moved to `gcp` and its image named in a registry.
    private func makeRepository() async throws {
        let quickstart = EndToEnd.packageRoot + "/examples/quickstart"
        try await sh("mkdir -p '\(repo)' && cp -R '\(quickstart)/.' '\(repo)/' && rm -rf '\(repo)/.steward'")
        let manifest = repo + "/manifests/quickstart.yaml"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        let rewritten = text
            .replacingOccurrences(of: "  provider: local\n  local:\n    root: .steward/local\n", with: """
                  provider: gcp
                  gcp:
                    project: \(Self.project)
                    region: \(Self.region)
                    bucket: gs://\(Self.stewardBucket)

                """)
            .replacingOccurrences(of: "  image:\n    name: quickstart-training\n",
                                  with: "  image:\n    name: gcr.io/\(Self.project)/quickstart-training\n")
        guard rewritten.contains("provider: gcp"), rewritten.contains("name: gcr.io/") else {
            throw HarnessError("examples/quickstart/manifests/quickstart.yaml no longer has the Project and image this test rewrites")
        }
        try rewritten.write(toFile: manifest, atomically: true, encoding: .utf8)
        try await sh("cd '\(repo)' && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm quickstart")
    }

    // MARK: Reconciling

    func store(at path: String? = nil) throws -> SQLiteStateStore { try SQLiteStateStore.open(path: path ?? statePath) }

    func reconciler() async throws -> Reconciler {
        let source = try await LibGit2Source.open(path: repo, logger: Self.logger)
        return Reconciler(source: source, path: RepositoryPath(unchecked: "manifests"), decoder: ManifestDecoder(), logger: Self.logger)
    }

    /// The plan at HEAD against what is observed now.
    func plan() async throws -> Plan {
        let reconciler = try await reconciler()
        let desired = try await reconciler.load(revision: "HEAD")
        return try await reconciler.plan(desired, providers: providers, now: Self.clock()).0
    }

    /// The reconcile engine over these providers; failures back off for no time, so that a test sees retries at once.
    func engine(store path: String? = nil, providers: Providers? = nil,
                faults: (@Sendable (FaultPoint) throws -> Void)? = nil) async throws -> ReconcileEngine {
        let providers = providers ?? self.providers
        return ReconcileEngine(reconciler: try await reconciler(), store: try store(at: path), providers: { _ in providers },
                               backoff: BackoffPolicy(base: 0, cap: 0), clock: Self.clock, faults: faults)
    }

    /// One apply at HEAD, with an optional fault, another state store or other providers; nil when the fault fired.
    func apply(store path: String? = nil, providers: Providers? = nil,
               faults: (@Sendable (FaultPoint) throws -> Void)? = nil) async throws -> ReconcileReport? {
        let engine = try await engine(store: path, providers: providers, faults: faults)
        do {
            return try await engine.reconcile(ReconcileEngine.Pass(revision: "HEAD", id: "r-\(UUID().uuidString.prefix(8))"))
        } catch is InjectedFault {
            return nil
        }
    }

    /// Applies until nothing is due or in progress; returns every action taken, in order.
    @discardableResult
    func settle() async throws -> [ActionResult] {
        var results: [ActionResult] = []
        for _ in 0..<100 {
            let report = try await apply()
            results += report?.results ?? []
            if report?.after.changes.isEmpty == true { return results }
        }
        Issue.record("the loop did not settle: \(results.map { "\($0.change.id) \($0.outcome)" })")
        return results
    }

    /// Applies until the plan at HEAD satisfies `condition`; returns that plan, not applied.
    @discardableResult
    func advance(until condition: @escaping @Sendable (Plan) -> Bool) async throws -> Plan? {
        let seen = Mutex<Plan?>(nil)
        for _ in 0..<100 {
            // The review sees exactly the plan the engine is about to apply, so no change meeting the condition
            // slips through: a plan that meets it is declined and returned.
            let pass = ReconcileEngine.Pass(revision: "HEAD", id: "r-\(UUID().uuidString.prefix(8))", review: { review in
                guard condition(review.plan) else { return true }
                seen.withLock { $0 = review.plan }
                return false
            })
            _ = try await engine().reconcile(pass)
            if let plan = seen.withLock({ $0 }) { return plan }
        }
        Issue.record("the plan never reached the expected state")
        return nil
    }

    // MARK: Collected data

    /// `tools/make_batch.py` into `gs://quickstart/collection/<name>/`, as a data collector would upload it.
    func makeBatch(_ name: String, count: Int = 60, drift: Double = 1, seed: Int) async throws {
        let local = folder + "/batches/" + name
        try await sh("python3 '\(repo)/tools/make_batch.py' '\(local)' --count \(count) --drift \(drift) --seed \(seed) >/dev/null")
        try await upload(local, to: Self.collection.appending(name))
    }

    /// The sample names of a batch folder.
    func batchSamples(_ name: String) async throws -> Set<String> {
        Set(try await objects.list(Self.collection.appending(name), delimiter: "/").objects.map(\.name).filter { $0.hasSuffix(".json") })
    }

    // MARK: What a user sees

    /// The span folders under the Dataset root, in numeric order.
    func spanFolders() async throws -> [String] {
        let prefixes = try await objects.list(Self.dataRoot, delimiter: "/").prefixes
        return prefixes.compactMap { $0.path.split(separator: "/").last.map(String.init) }.filter { $0.hasPrefix("span-") }
            .sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
    }

    /// The object names directly in a folder of a span (`train`, `test`) or at its top (`""`).
    func spanObjects(_ number: Int, _ split: String) async throws -> [String] {
        let folder = split.isEmpty ? Self.dataRoot.appending("span-\(number)") : Self.dataRoot.appending("span-\(number)/\(split)")
        return try await objects.list(folder, delimiter: "/").objects.map(\.name).sorted()
    }

    /// Training runs, oldest first, through the adapter.
    func runs() async throws -> [ObservedRun] {
        try await providers.pipelines.observeRuns().sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The Vertex model uploaded from a run.
    func modelID(of run: ObservedRun) async throws -> String {
        let models = try await providers.models.observeModels().filter { $0.runID == run.id }
        try #require(models.count == 1, "one model per run: \(models.map(\.id))")
        return models[0].id
    }

    /// The quickstart's Vertex endpoint.
    func endpoint() async throws -> ObservedEndpoint {
        let endpoints = try await providers.endpoints.observeEndpoints().filter { $0.resource == "quickstart-serving" }
        try #require(endpoints.count == 1, "one endpoint: \(endpoints.map(\.id))")
        return endpoints[0]
    }

    /// The models deployed on the endpoint, in deployment order.
    func deployedModelIDs() async throws -> [String] { try await endpoint().deployedModels.map(\.modelID) }

    /// The endpoint's traffic split by model id.
    func traffic() async throws -> [String: Int] {
        let endpoint = try await endpoint()
        var byModel: [String: Int] = [:]
        for (deployedID, percent) in endpoint.trafficSplit {
            let model = try #require(endpoint.deployedModels.first { $0.id == deployedID }, "traffic to an unknown deployment").modelID
            byModel[model] = percent
        }
        return byModel
    }

    /// Releases of the quickstart's repository.
    func releases() async -> [FakeGitHubState.StoredRelease] { await github.releases(in: Self.releaseRepository) }

    /// Every `evaluation.json` written beside predictions, by the batch it judged.
    func evaluationRecordFiles() async throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for object in try await objects.list(Self.evaluations, delimiter: nil).objects where object.name == "evaluation.json" {
            let bytes = try await objects.read(object.uri)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let batch = try #require(record["batch"] as? String)
            #expect(out[batch] == nil, "one record per batch")
            out[batch] = record
        }
        return out
    }

    /// Sets the endpoint's traffic split by hand, as a person would with `gcloud ai endpoints update`.
    func setTrafficByHand(_ byModel: [String: Int]) async throws {
        let endpoint = try await endpoint()
        var split: [String: Int] = [:]
        for (model, percent) in byModel {
            split[try #require(endpoint.deployedModels.first { $0.modelID == model }).id] = percent
        }
        let body = try JSONSerialization.data(withJSONObject: ["trafficSplit": split])
        let response = await vertex.handle(FakeRequest(
            method: "PATCH", path: "/v1/projects/\(Self.project)/locations/\(Self.region)/endpoints/\(endpoint.id)",
            query: ["updateMask": "trafficSplit"], body: Array(body)))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    }

    // MARK: The quickstart's containers, run by the Vertex fake

    /// The trainer task of a pipeline job: `train.py` on copies of the run's spans and modules; the model and
    /// blessing folders uploaded to the task's artifacts.
    func train(_ execution: PipelineJobExecution) async throws {
        let parameters = execution.parameters
        guard let dataRoot = parameters["data_root"]?.stringValue, let spans = parameters["spans"]?.stringValue,
              let moduleRoot = parameters["module_root"]?.stringValue,
              let model = execution.artifact(task: "trainer", key: "model"),
              let blessing = execution.artifact(task: "trainer", key: "blessing") else {
            throw HarnessError("pipeline job \(execution.jobID) lacks the trainer's parameters or artifacts")
        }
        let work = folder + "/work/\(execution.jobID)"
        for span in spans.split(separator: ",") {
            try await download(try Self.uri(dataRoot + "/span-\(span)"), to: "\(work)/data/span-\(span)")
        }
        try await download(try Self.uri(moduleRoot), to: work + "/modules")
        let result = try await ProcessResult.run("/usr/bin/env", [
            "python3", repo + "/training_pipeline/train.py", "--dataset-root", work + "/data", "--spans", spans,
            "--modules-dir", work + "/modules", "--model-dir", work + "/model", "--blessing-dir", work + "/blessing",
            "--k", Self.text(parameters["k"]), "--min-accuracy", Self.text(parameters["min_accuracy"]),
        ], directory: repo + "/training_pipeline", environment: Self.pythonEnvironment)
        guard result.status == 0 else { throw HarnessError("train.py failed: \(result.stderr)") }
        try await upload(work + "/model", to: try Self.uri(model))
        try await upload(work + "/blessing", to: try Self.uri(blessing))
    }

    /// A batch prediction: `predict.py` with the job's model on copies of the listed samples; one prediction per
    /// instance, in order.
    func predict(_ input: BatchPredictionInput) async throws -> [ProtobufValue] {
        guard let model = input.modelArtifactURI else { throw HarnessError("model \(input.model) has no artifactUri") }
        let work = folder + "/work/\(input.jobID)"
        try await download(try Self.uri(model), to: work + "/model")
        var paths: [String] = []
        for instance in input.instances {
            guard let text = instance.stringValue else { throw HarnessError("instance \(instance) is not a URI") }
            let uri = try Self.uri(text)
            let path = work + "/instances/" + (uri.path.split(separator: "/").last.map(String.init) ?? "sample")
            try await save(try await objects.read(uri), to: path)
            paths.append(path)
        }
        try await save(Array((paths.joined(separator: "\n") + "\n").utf8), to: work + "/instances.txt")
        var environment = Self.pythonEnvironment
        environment["STEWARD_INSTANCES_FILE"] = work + "/instances.txt"
        environment["STEWARD_MODEL_DIR"] = work + "/model"
        environment["STEWARD_OUTPUT_DIR"] = work + "/output"
        environment["STEWARD_MODULES_DIR"] = repo + "/training_pipeline/models"
        let result = try await ProcessResult.run("/usr/bin/env", ["python3", repo + "/training_pipeline/predict.py"],
                                                 directory: repo + "/training_pipeline", environment: environment)
        guard result.status == 0 else { throw HarnessError("predict.py failed: \(result.stderr)") }
        let output = try Data(contentsOf: URL(fileURLWithPath: work + "/output/prediction.results-00000-of-00001"))
        return try output.split(separator: UInt8(ascii: "\n")).map { line in
            guard let prediction = try ProtobufValue(json: Array(line))["prediction"] else {
                throw HarnessError("predict.py gave no prediction: \(String(decoding: line, as: UTF8.self))")
            }
            return prediction
        }
    }

    /// The test's environment without Steward's variables, which the scripts would read.
    static let pythonEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("STEWARD_") }

    static func uri(_ text: String) throws -> StorageURI { try StorageURI.parse(text).get() }

    static func text(_ value: ProtobufValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case .double(let number)?: String(number)
        case .bool(let flag)?: String(flag)
        default: ""
        }
    }

    // MARK: Files

    /// Copies every object under `location/` into `directory`, keeping relative paths.
    func download(_ location: StorageURI, to directory: String) async throws {
        let listing = try await objects.list(location, delimiter: nil)
        for object in listing.objects {
            try await save(try await objects.read(object.uri), to: directory + "/" + object.uri.path.dropFirst(location.prefix.count))
        }
    }

    /// Uploads every file under `directory` to `location/`, keeping relative paths.
    func upload(_ directory: String, to location: StorageURI) async throws {
        guard let files = FileManager.default.enumerator(atPath: directory) else { return }
        while let relative = files.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { continue }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative)))
            try await objects.write(location.appending(relative), bytes: bytes, contentType: nil)
        }
    }

    func save(_ bytes: [UInt8], to path: String) async throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Runs a shell command; its standard output.
    @discardableResult
    func sh(_ command: String) async throws -> String {
        let result = try await ProcessResult.run("/bin/sh", ["-c", command], directory: "/",
                                                 environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw HarnessError("'\(command)' failed (\(result.status)): \(result.stderr)") }
        return result.stdout
    }
}
