import Foundation
import Logging
import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardHTTP

/// One end-to-end environment: a git repository made of the project's `manifests/` and `examples/cifar10/`, the real
/// fake-gcs-server (behind a recording proxy) holding a hand-made `span-1`, the Vertex AI, Cloud Build and GitHub
/// fakes, and the built `steward` run against them with every endpoint overridden.
struct EndToEnd: Sendable {
    /// The Project's `spec.gcp` in `manifests/project.yaml`.
    static let project = "gcp-ml-172005"
    static let region = "us-central1"
    /// The buckets the manifests name: data and modules, the collection, and Steward's own.
    static let dataBucket = "gcp-ml-172005-complete-mlops"
    static let collectionBucket = "batch-prediction-collection-3"
    static let stewardBucket = "gcp-ml-172005-steward"
    /// `manifests/release.yaml`.
    static let releaseRepository = "deep-diver/PyGithubTest"

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `steward` beside the test binary (as `Tests/StewardCLITests/CLIHarness.swift` finds it).
    static let binary: String = {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("steward").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("steward").path
    }()

    static let logger = Logger(label: "steward-e2e") { _ in SwiftLogNoOpLogHandler() }

    let repository: String
    let vertex: FakeVertex
    let cloudBuild: FakeCloudBuild
    let github: FakeGitHub
    let storageProxy: RecordingProxy
    /// Cloud Storage straight at fake-gcs-server, for setting up and checking objects (not counted).
    let storage: StorageClient
    let metadataHits: HitCounter
    private let vertexServer: FakeServer
    private let cloudBuildServer: FakeServer
    private let metadataServer: FakeServer

    /// Runs `body` in a fresh environment with `pipelines` copies of the Pipeline (`cifar10-training`, then
    /// `cifar10-training-2`, …), and tears everything down afterwards.
    static func with<T: Sendable>(pipelines: Int = 1, _ body: @escaping @Sendable (EndToEnd) async throws -> T) async throws -> T {
        return try await FakeGCSServer.with { gcs in
            let configuration = FakeGitHub.Configuration(token: "e2e-dummy-token", repositories: [releaseRepository])
            return try await FakeGitHub.run(configuration) { github in
                let storage = StorageClient(baseURL: gcs.baseURL, transport: AsyncHTTPTransport(), logger: logger)
                for bucket in [dataBucket, collectionBucket, stewardBucket] { try await gcs.createBucket(bucket) }
                // The seed's hand-uploaded first span: data, no markers.
                for split in ["train", "test"] {
                    _ = try await storage.insert(bucket: dataBucket, name: "data/span-1/\(split)/cifar10-\(split).tfrecord",
                                                 bytes: Array("not really a tfrecord (\(split))".utf8))
                }
                let vertex = try FakeVertex(projectID: project, location: region)
                // Training runs stay in progress: the suite is about starting them, once.
                await vertex.setObservationsPerState(1_000_000)
                let cloudBuild = try FakeCloudBuild(projectID: project, location: region)
                let vertexServer = try await FakeServer.start { await vertex.handle($0) }
                let cloudBuildServer = try await FakeServer.start { await cloudBuild.handle($0) }
                let metadataHits = HitCounter()
                let metadataServer = try await FakeServer.start { _ in
                    await metadataHits.hit()
                    return FakeResponse(status: 200, headers: [("Metadata-Flavor", "Google")])
                }
                let proxy = try await RecordingProxy.start(upstream: gcs.baseURL)
                // Check builds run their command where the image would, on a workspace beside the repository.
                let checks = CheckBuildRunner(objects: GCSObjectStore(client: storage),
                                              folder: FileManager.default.temporaryDirectory.appendingPathComponent("steward-e2e-builds-\(UUID().uuidString.prefix(8))").path)
                try checks.prepare()
                await cloudBuild.setStepRunner { id, build in await checks.run(id, build) }
                defer { try? FileManager.default.removeItem(atPath: checks.folder) }
                let environment = EndToEnd(
                    repository: try makeRepository(pipelines: pipelines), vertex: vertex, cloudBuild: cloudBuild,
                    github: github, storageProxy: proxy, storage: storage, metadataHits: metadataHits,
                    vertexServer: vertexServer, cloudBuildServer: cloudBuildServer, metadataServer: metadataServer)
                do {
                    let result = try await body(environment)
                    await environment.stop()
                    return result
                } catch {
                    await environment.stop()
                    throw error
                }
            }
        }
    }

    private func stop() async {
        await storageProxy.stop()
        await vertexServer.stop()
        await cloudBuildServer.stop()
        await metadataServer.stop()
        try? FileManager.default.removeItem(atPath: repository)
    }

    // MARK: Running steward

    /// The environment of every `steward` run: each service at its fake, a dummy GitHub token, and Google
    /// credentials that would fail if anything looked for them.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["GITHUB_TOKEN_FILE", "CLOUDSDK_CONFIG", "GCE_METADATA_ROOT", "NO_GCE_CHECK"] {
            environment.removeValue(forKey: name)
        }
        environment["STORAGE_EMULATOR_HOST"] = storageProxy.hostAndPort
        environment["STEWARD_VERTEX_ENDPOINT"] = vertexServer.baseURL
        environment["STEWARD_CLOUDBUILD_ENDPOINT"] = cloudBuildServer.baseURL
        environment["GITHUB_API_URL"] = github.baseURL
        environment["GITHUB_TOKEN"] = github.token
        environment["GOOGLE_APPLICATION_CREDENTIALS"] = repository + "/no-such-credentials.json"
        environment["GCE_METADATA_HOST"] = String(metadataServer.baseURL.dropFirst("http://".count))
        environment["HOME"] = repository
        return environment
    }

    /// Runs `steward` in the repository, off the concurrency pool (the fakes answer on it meanwhile).
    @discardableResult
    func steward(_ arguments: String...) async throws -> ProcessResult {
        try await ProcessResult.run(Self.binary, arguments, directory: repository, environment: environment)
    }

    /// The image build sources staged in the Project's bucket (the checks' sources, `check-…`, left out).
    func imageSources() async throws -> [String] {
        try await objects(Self.stewardBucket, prefix: "steward/sources/").filter { !$0.hasPrefix("steward/sources/check-") }
    }

    /// Runs `steward serve` for `seconds` (then SIGTERM) with a tick every second; returns its log (JSON lines).
    func serve(for seconds: Int) async throws -> String {
        let arguments = ["-s", "TERM", "\(seconds)", Self.binary, "serve", "--listen", "127.0.0.1:0", "--interval", "1s",
                         "--poll-interval", "1s", "--log-format", "json", "--log-level", "info"]
        let result = try await ProcessResult.run("/usr/bin/timeout", arguments, directory: repository, environment: environment)
        guard result.status == 124 else {
            throw HarnessError("steward serve stopped before its \(seconds) s (\(result.status)): \(result.stderr)")
        }
        return result.stderr
    }

    /// Runs `steward` with some variables of `environment` removed.
    func steward(_ arguments: [String], without names: [String]) async throws -> ProcessResult {
        var environment = environment
        for name in names { environment.removeValue(forKey: name) }
        return try await ProcessResult.run(Self.binary, arguments, directory: repository, environment: environment)
    }

    /// `steward plan --output json`, decoded.
    func plan() async throws -> PlanJSON {
        let result = try await steward("plan", "--output", "json")
        guard result.status == 0 else { throw HarnessError("plan failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(PlanJSON.self, from: Data(result.stdout.utf8))
    }

    /// `steward apply --yes`; fails when it does.
    @discardableResult
    func apply() async throws -> ProcessResult {
        let result = try await steward("apply", "--yes")
        guard result.status == 0 else {
            throw HarnessError("apply failed (\(result.status)):\n\(result.stdout)\n\(result.stderr)")
        }
        return result
    }

    /// Requests each service has received so far (Cloud Storage through the proxy).
    func requestCounts() async -> RequestCounts {
        RequestCounts(vertex: await vertex.requests.count, cloudBuild: await cloudBuild.requests.count,
                      github: await github.requests.count, storage: await storageProxy.log.count)
    }

    /// Object names under a prefix of a bucket.
    func objects(_ bucket: String, prefix: String) async throws -> [String] {
        try await storage.list(bucket: bucket, prefix: prefix).items.map(\.name).sorted()
    }

    /// Runs git (or any shell command) in the repository.
    @discardableResult
    func sh(_ command: String) async throws -> String {
        let result = try await ProcessResult.run("/bin/sh", ["-c", command], directory: repository,
                                                 environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw HarnessError("'\(command)' failed (\(result.status)): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: The repository

    /// A git repository with the project's `manifests/` and `examples/cifar10/`, committed; further Pipelines are
    /// copies of `manifests/pipeline.yaml` under other names.
    private static func makeRepository(pipelines: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("steward-e2e-\(UUID().uuidString.prefix(8))").path
        let files = FileManager.default
        try files.createDirectory(atPath: path + "/examples", withIntermediateDirectories: true)
        try files.copyItem(atPath: packageRoot + "/manifests", toPath: path + "/manifests")
        try files.copyItem(atPath: packageRoot + "/examples/cifar10", toPath: path + "/examples/cifar10")
        let pipeline = try String(contentsOfFile: path + "/manifests/pipeline.yaml", encoding: .utf8)
        if pipelines > 1 {
            for number in 2...pipelines {
                let copy = pipeline.replacingOccurrences(of: "\n  name: cifar10-training\n", with: "\n  name: cifar10-training-\(number)\n")
                precondition(copy != pipeline, "manifests/pipeline.yaml no longer names cifar10-training")
                try copy.write(toFile: path + "/manifests/pipeline-\(number).yaml", atomically: true, encoding: .utf8)
            }
        }
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/bin/sh")
        git.arguments = ["-c", "git init -q -b main && git add -A && git -c user.name=e2e -c user.email=e2e@example.com commit -qm manifests"]
        git.currentDirectoryURL = URL(fileURLWithPath: path)
        git.standardOutput = FileHandle.nullDevice
        try git.run()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { throw HarnessError("git init/commit failed in \(path)") }
        return path
    }
}

/// `steward plan --output json`, the fields the suite reads.
struct PlanJSON: Decodable {
    struct Change: Decodable {
        var id: String
        var resource: String
        var operation: String
        var action: String
        var reason: String
        var key: String?
    }

    var revision: String
    var changes: [Change]

    func changes(_ operation: String) -> [Change] { changes.filter { $0.operation == operation } }
}

/// Requests per service.
struct RequestCounts: Sendable, Equatable, CustomStringConvertible {
    var vertex: Int
    var cloudBuild: Int
    var github: Int
    var storage: Int

    var total: Int { vertex + cloudBuild + github + storage }

    static func - (lhs: RequestCounts, rhs: RequestCounts) -> RequestCounts {
        RequestCounts(vertex: lhs.vertex - rhs.vertex, cloudBuild: lhs.cloudBuild - rhs.cloudBuild,
                      github: lhs.github - rhs.github, storage: lhs.storage - rhs.storage)
    }

    var description: String {
        "\(total) (Vertex AI \(vertex), Cloud Build \(cloudBuild), GitHub \(github), Cloud Storage \(storage))"
    }
}

/// Counts requests to a fake (the metadata server's).
actor HitCounter {
    private(set) var count = 0
    func hit() { count += 1 }
}

/// A finished process.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs a program to completion on a thread of its own, so that no thread of the concurrency pool waits on it.
    static func run(_ executable: String, _ arguments: [String], directory: String,
                    environment: [String: String]) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try runBlocking(executable, arguments, directory: directory,
                                                                   environment: environment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], directory: String,
                                    environment: [String: String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        // Read both pipes at once so that a full pipe never blocks the child.
        nonisolated(unsafe) var errors = Data()
        let reader = Thread { errors = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                             stderr: String(decoding: errors, as: UTF8.self))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
