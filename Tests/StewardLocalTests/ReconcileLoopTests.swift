import Foundation
import Logging
import StewardCore
import StewardGit
import StewardLocal
import StewardManifests
import StewardRuntime
import StewardStore
import Testing

/// The reconcile loop on the local provider against real git repositories and a real state store:
/// idempotence, crash recovery at both sides of a side effect, and runs on the modules of their own commit.
@Suite("Reconcile loop on the local provider", .serialized)
struct ReconcileLoopTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A repository holding the quickstart's training code with a Project, a Dataset and a Pipeline only.
    struct Workspace {
        let folder: TemporaryFolder
        var repo: String { folder.path + "/repo" }
        var localRoot: String { folder.path + "/local" }

        init() throws {
            folder = try TemporaryFolder()
            let quickstart = ReconcileLoopTests.packageRoot + "/examples/quickstart"
            try shell("mkdir -p '\(repo)/manifests' && cp -R '\(quickstart)/training_pipeline' '\(quickstart)/data' '\(repo)/'")
            let manifest = """
            apiVersion: steward.dev/v1alpha1
            kind: Project
            metadata: {name: loop}
            spec:
              provider: local
              local: {root: '\(localRoot)'}
            ---
            apiVersion: steward.dev/v1alpha1
            kind: Dataset
            metadata: {name: points}
            spec:
              root: gs://loop/data
              format: copy
              initialSpan: data
            ---
            apiVersion: steward.dev/v1alpha1
            kind: Pipeline
            metadata: {name: train}
            spec:
              template: training_pipeline/pipeline.json
              root: gs://loop/runs
              image: {name: loop-train, context: training_pipeline}
              modules: {source: training_pipeline/models, destination: gs://loop/modules}
              dataset: points
              spans: 2
              parameters: {spans: '${spans.list}', k: 5, min_accuracy: 0.5}
              outputs:
                model: {task: trainer, artifact: model}
              local: {command: python3 train.py}

            """
            try manifest.write(toFile: repo + "/manifests/loop.yaml", atomically: true, encoding: .utf8)
            try commit("loop")
        }

        func commit(_ message: String) throws {
            try shell("cd '\(repo)' && (git init -q -b main 2>/dev/null || true) && git add -A && git -c user.name=t -c user.email=t@t commit -qm '\(message)'")
        }

        func store() throws -> SQLiteStateStore { try SQLiteStateStore.open(path: folder.path + "/state.db") }

        /// One apply at HEAD through the reconcile engine, with an optional fault; returns the report (nil when the
        /// fault fired).
        func apply(faults: (@Sendable (FaultPoint) throws -> Void)? = nil) async throws -> ReconcileReport? {
            let source = try await LibGit2Source.open(path: repo, logger: testLogger)
            let reconciler = Reconciler(source: source, path: RepositoryPath(unchecked: "manifests"), decoder: ManifestDecoder(),
                                        logger: testLogger)
            let providers = LocalProvider.make(root: localRoot, logger: testLogger)
            let engine = ReconcileEngine(reconciler: reconciler, store: try store(), providers: { _ in providers },
                                         backoff: BackoffPolicy(base: 0, cap: 0),
                                         clock: { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }, faults: faults)
            do {
                return try await engine.reconcile(ReconcileEngine.Pass(revision: "HEAD", id: "r-\(UUID().uuidString.prefix(8))"))
            } catch is InjectedFault {
                return nil
            }
        }

        /// Applies until nothing is due or in progress.
        func settle() async throws {
            for _ in 0..<100 {
                let report = try await apply()
                if report?.after.changes.isEmpty == true { return }
                try await Task.sleep(for: .milliseconds(150))
            }
            Issue.record("the loop did not settle")
        }

        var runFolders: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: localRoot + "/runs")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }

        func gitTree(_ path: String) throws -> String {
            try shell("cd '\(repo)' && git rev-parse HEAD:\(path)").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test("a second apply starts nothing, also after the state store is deleted")
    func idempotent() async throws {
        let w = try Workspace()
        defer { w.folder.remove() }
        try await w.settle()
        #expect(w.runFolders.count == 1)
        let again = try #require(try await w.apply())
        #expect(again.results.isEmpty)
        try FileManager.default.removeItem(atPath: w.folder.path + "/state.db")
        let afterDelete = try #require(try await w.apply())
        #expect(afterDelete.results.isEmpty, "nothing observable is repeated")
        #expect(w.runFolders.count == 1)
    }

    @Test("a crash after the journal's begin entry and before the side effect is finished by the next apply")
    func crashBeforeEffect() async throws {
        let w = try Workspace()
        defer { w.folder.remove() }
        // Span 1, image and modules first; then the run's start is interrupted before it happens.
        _ = try await w.apply()
        let crashed = try await w.apply(faults: { point in
            if case .afterBegin(let id) = point, id.hasPrefix("run-pipeline/") { throw InjectedFault(point) }
        })
        #expect(crashed == nil)
        #expect(w.runFolders.isEmpty, "the side effect never happened")
        let open = try await w.store().unfinishedActions()
        #expect(open.map(\.operation) == [.runPipeline])

        let next = try #require(try await w.apply())
        #expect(next.recovered.map(\.operation) == [.runPipeline])
        #expect(next.results.filter { $0.change.operation == .runPipeline }.map(\.outcome) == [.started])
        #expect(w.runFolders.count == 1)
        #expect(try await w.store().unfinishedActions().isEmpty)
    }

    @Test("a crash after the side effect and before the journal's end entry duplicates nothing")
    func crashAfterEffect() async throws {
        let w = try Workspace()
        defer { w.folder.remove() }
        _ = try await w.apply()
        let crashed = try await w.apply(faults: { point in
            if case .afterEffect(let id) = point, id.hasPrefix("run-pipeline/") { throw InjectedFault(point) }
        })
        #expect(crashed == nil)
        #expect(w.runFolders.count == 1, "the run was started")
        #expect(try await w.store().unfinishedActions().map(\.operation) == [.runPipeline])

        let next = try #require(try await w.apply())
        #expect(next.recovered.count == 1)
        #expect(!next.results.contains { $0.change.operation == .runPipeline }, "observed, so not started again")
        try await w.settle()
        #expect(w.runFolders.count == 1)
    }

    @Test("a module change reruns on the modules of its own commit, without a build")
    func modulesOfItsOwnCommit() async throws {
        let w = try Workspace()
        defer { w.folder.remove() }
        try await w.settle()
        let imagesBefore = try FileManager.default.contentsOfDirectory(atPath: w.localRoot + "/images").filter { !$0.hasPrefix(".") }

        try "\n# tuned\n".data(using: .utf8).map { data in
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: w.repo + "/training_pipeline/models/model.py"))
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            try handle.close()
        }
        try w.commit("tune")
        try await w.settle()

        let modulesTree = try w.gitTree("training_pipeline/models")
        let imagesAfter = try FileManager.default.contentsOfDirectory(atPath: w.localRoot + "/images").filter { !$0.hasPrefix(".") }
        #expect(imagesAfter.sorted() == imagesBefore.sorted(), "no new image")
        #expect(w.runFolders.count == 2)
        // The newest run recorded the modules tree of the commit, and its model says it trained on that copy.
        let runs = try await LocalPipelineService(layout: LocalLayout(root: w.localRoot), logger: testLogger).observeRuns()
        let newest = try #require(runs.max { $0.createdAt < $1.createdAt })
        #expect(newest.modulesTree == modulesTree)
        #expect(newest.state == .succeeded)
        let modelJSON = try String(contentsOfFile: w.localRoot + "/storage/loop/runs/\(newest.id)/trainer/model/model.json", encoding: .utf8)
        #expect(modelJSON.contains("/storage/loop/modules/\(modulesTree)"))
    }
}

@discardableResult
func shell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "shell", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: command])
    }
    return String(decoding: data, as: UTF8.self)
}
