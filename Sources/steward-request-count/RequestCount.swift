import Foundation
import Logging
import StewardCore
import StewardFakes
import StewardGit
import StewardGoogleCloud
import StewardHTTP
import StewardManifests
import StewardRuntime

/// Counts the HTTP requests of one reconcile with nothing to do, for 1 and for 1,000 Pipelines, against the
/// contract-exact Vertex AI and Cloud Build fakes (Cloud Storage in memory: its calls are not HTTP here).
/// It counts requests, not time, so it runs in a debug build: `swift run steward-request-count`.
@main
enum RequestCount {
    static func main() async throws {
        var logger = Logger(label: "steward.bench")
        logger.logLevel = .critical
        print("requests of one reconcile with nothing to do (gcp adapters against the fakes, page size 10 in the Vertex fake)")
        for pipelines in [1, 1000] {
            let counts = try await measure(pipelines: pipelines, logger: logger)
            let total = counts.values.reduce(0, +)
            let detail = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("  \(pipelines) pipeline\(pipelines == 1 ? "" : "s"): \(total) requests (\(detail))")
        }
    }

    static func measure(pipelines: Int, logger: Logger) async throws -> [String: Int] {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("steward-requests-\(getpid())-\(pipelines)").path
        try? FileManager.default.removeItem(atPath: repo)
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try GeneratedPipelines.write(to: repo, pipelines: pipelines, bucket: "bench-staging")

        let vertex = try FakeVertex()
        let cloudBuild = try FakeCloudBuild()
        let vertexServer = try await FakeServer.start { await vertex.handle($0) }
        let cloudBuildServer = try await FakeServer.start { await cloudBuild.handle($0) }
        defer { Task { await vertexServer.stop(); await cloudBuildServer.stop() } }

        let counter = CountingTransport(base: AsyncHTTPTransport())
        let apis = GoogleCloudAPIs(project: "steward-test", region: "us-central1", transport: counter,
                                   environment: ["STEWARD_VERTEX_ENDPOINT": vertexServer.baseURL,
                                                 "STEWARD_CLOUDBUILD_ENDPOINT": cloudBuildServer.baseURL],
                                   polling: OperationPolling(initialInterval: .milliseconds(10)), logger: logger)
        let objects = InMemoryObjectStore()
        let providers = Providers(
            kind: .gcp, objects: objects,
            images: CloudBuildImageBuilder(client: apis.cloudBuild, staging: StorageURI(bucket: "bench-staging"),
                                           objects: objects, logger: logger),
            pipelines: VertexPipelineService(client: apis.vertex, objects: objects, logger: logger),
            models: VertexModelRegistry(client: apis.vertex, logger: logger),
            endpoints: VertexEndpointService(client: apis.vertex, logger: logger),
            batch: VertexBatchPredictionService(client: apis.vertex, objects: objects, logger: logger),
            releases: NoReleases())

        let source = try await LibGit2Source.open(path: repo, logger: logger)
        let reconciler = Reconciler(source: source, path: RepositoryPath(unchecked: "manifests"), decoder: ManifestDecoder(),
                                    logger: logger)
        let desired = try await reconciler.load(revision: "HEAD")
        guard !desired.diagnostics.hasErrors else { throw BenchError(message: "\(desired.diagnostics.prefix(3))") }
        let clock: @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }
        let engine = ReconcileEngine(reconciler: reconciler, store: InMemoryStateStore(), providers: { _ in providers },
                                     concurrency: 8, clock: clock)
        // Apply until every run has succeeded and nothing is due or in progress.
        for round in 0..<40 {
            let report = try await engine.reconcile(ReconcileEngine.Pass(revision: "HEAD", id: "bench-\(round)"))
            if report.after.changes.isEmpty { break }
        }
        counter.reset()
        let (plan, _) = try await reconciler.plan(desired, providers: providers, now: clock())
        guard plan.changes.isEmpty else { throw BenchError(message: "not settled: \(plan.changes.count) changes left") }
        guard await vertex.pipelineJobCount() == pipelines else { throw BenchError(message: "unexpected job count") }
        return counter.counts
    }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Counts requests by service on their way to the wire.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let base: any HTTPTransport
    private let lock = NSLock()
    private var tally: [String: Int] = [:]

    init(base: any HTTPTransport) { self.base = base }

    func send(_ request: APIRequest) async throws -> APIResponse {
        lock.withLock { tally[request.service, default: 0] += 1 }
        return try await base.send(request)
    }

    func reset() { lock.withLock { tally = [:] } }
    var counts: [String: Int] { lock.withLock { tally } }
}

/// No Release is declared here, so releases are never observed.
struct NoReleases: ReleaseService {
    func observeReleases(repositories: Set<String>) async throws -> [ObservedRelease] { [] }
    func create(_ request: CreateRelease) async throws -> StartOutcome { throw BenchError(message: "no releases") }
    func uploadAsset(_ request: UploadAsset, bytes: [UInt8], contentType: String) async throws -> StartOutcome {
        throw BenchError(message: "no releases")
    }
}

/// The journal and records of the benchmark's applies, in memory.
actor InMemoryStateStore: StateStore {
    struct Lock: WriterLock { func release() async {} }
    var journal: [JournalEntry] = []
    func acquireLock(holder: LockHolder) async throws -> any WriterLock { Lock() }
    func lockHolder() async throws -> LockHolder? { nil }
    func appendJournal(_ entry: JournalEntry) async throws { journal.append(entry) }
    func unfinishedActions() async throws -> [JournalEntry] { [] }
    func recentJournal(limit: Int) async throws -> [JournalEntry] { Array(journal.suffix(limit).reversed()) }
    func beginReconcile(_ record: ReconcileRecord) async throws {}
    func finishReconcile(id: String, outcome: ReconcileOutcome, finishedAt: Instant, summary: String) async throws {}
    func closeInterruptedReconciles(at instant: Instant) async throws -> Int { 0 }
    func reconciles(limit: Int) async throws -> [ReconcileRecord] { [] }
    func replaceConditions(_ conditions: [ResourceCondition]) async throws {}
    func conditions() async throws -> [ResourceCondition] { [] }
    func recordEvaluation(_ record: EvaluationRecord) async throws {}
    func evaluations() async throws -> [EvaluationRecord] { [] }
    func actionFailures() async throws -> [ActionFailure] { [] }
    func recordActionFailure(_ failure: ActionFailure) async throws {}
    func clearActionFailures(_ changeIDs: [String]) async throws {}
    func requestRetry(_ request: RetryRequest) async throws {}
    func retryRequests() async throws -> [RetryRequest] { [] }
    func takeRetryRequests() async throws -> [RetryRequest] { [] }
}
