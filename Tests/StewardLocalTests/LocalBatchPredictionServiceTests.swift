import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local batch prediction service")
struct LocalBatchPredictionServiceTests {
    static let batch = StorageURI(bucket: "bkt", path: "collection/2026-11")
    static let output = StorageURI(bucket: "bkt", path: "evaluations/accuracy/eval-2026-11-m-1")

    /// A model `m-1` uploaded from run `train-1`, whose record names the image tree `img1` and the
    /// module copy `gs://bkt/modules/m1`; two samples in the batch.
    func setUp(_ folder: TemporaryFolder) async throws {
        let layout = folder.layout
        let run = RunPipeline(runID: "train-1", pipeline: "train", displayName: "train", attempt: 1, key: "run-key", commit: "abc123",
                              template: .repository(RepositoryPath(unchecked: "pipelines/train.json")),
                              root: StorageURI(bucket: "bkt", path: "pipelines/train"), parameters: [:], spans: [1],
                              datasetRoot: nil, image: "gcr.io/p/train:img1", imageTree: "img1",
                              modules: StorageURI(bucket: "bkt", path: "modules/m1"), modulesTree: "m1",
                              serviceAccount: nil, enableCaching: true, outputs: nil,
                              local: PipelineSpec.LocalRun(command: "true"), labels: [:])
        let runFolder = layout.run(id: "train-1")
        try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        try Data(RunRecord(state: .succeeded, request: run, createdAt: Instant(millisecondsSinceEpoch: 0)).encoded())
            .write(to: URL(fileURLWithPath: runFolder + "/run.json"))
        try FileManager.default.createDirectory(atPath: layout.image(tree: "img1"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: layout.path(for: StorageURI(bucket: "bkt", path: "modules/m1")),
                                                withIntermediateDirectories: true)
        let artifact = try writeArtifact(layout, path: "pipelines/train/train-1/trainer/model", weights: "w1")
        _ = try await LocalModelRegistry(layout: layout, logger: testLogger).upload(uploadRequest(id: "m-1", artifactURI: artifact))
        for (name, label) in [("a.txt", "cat"), ("b.txt", "dog")] {
            let path = layout.path(for: Self.batch.appending(name))
            try FileManager.default.createDirectory(atPath: LocalFiles.parent(of: path), withIntermediateDirectories: true)
            try Data(label.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    func request(_ displayName: String, command: String?, key: String? = nil) -> BatchPredict {
        BatchPredict(displayName: displayName, key: key ?? "key-\(displayName)", evaluation: "accuracy", batch: Self.batch,
                     instances: [Self.batch.appending("a.txt"), Self.batch.appending("b.txt")], instancesFormat: .fileList,
                     modelID: "m-1", modelResourceName: "/ignored", output: Self.output, machineType: "n1-standard-2",
                     startingReplicaCount: 1, maxReplicaCount: 1, serviceAccount: nil, localCommand: command,
                     labels: ["steward-managed": "true", "steward-resource": "accuracy"])
    }

    func job(_ service: LocalBatchPredictionService, _ id: String) async throws -> ObservedBatchJob? {
        try await service.observeJobs().first { $0.id == id }
    }

    func finished(_ service: LocalBatchPredictionService, _ id: String) async throws -> ObservedBatchJob {
        _ = try await eventually { try await job(service, id)?.state.isFinished == true }
        return try #require(try await job(service, id))
    }

    @Test("a job gets the documented environment, reads the file-list and writes Vertex-style predictions")
    func predicts() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        let layout = folder.layout
        let service = LocalBatchPredictionService(layout: layout, logger: testLogger)
        let envFile = folder.path + "/env.txt"
        let command = """
            env | grep '^STEWARD_' > '\(envFile)'; pwd -P > '\(folder.path)/pwd.txt'
            while IFS= read -r f; do
              printf '{"instance": "%s", "prediction": {"label": "%s", "confidence": 0.9}}\\n' "$f" "$(cat "$f")"
            done < "$STEWARD_INSTANCES_FILE" > "$STEWARD_OUTPUT_DIR/prediction.results-00000-of-00001"
            """
        #expect(try await service.start(request("eval-2026-11-m-1", command: command)) == .created)
        let observed = try await finished(service, "eval-2026-11-m-1")
        #expect(observed.state == .succeeded)
        #expect(observed.displayName == "eval-2026-11-m-1" && observed.evaluation == "accuracy" && observed.key == "key-eval-2026-11-m-1")
        #expect(observed.outputURI == "gs://bkt/evaluations/accuracy/eval-2026-11-m-1")

        let local = folder.path + "/local"
        let storage = local + "/storage"
        let jobFolder = local + "/batch/eval-2026-11-m-1"
        let samples = [storage + "/bkt/collection/2026-11/a.txt", storage + "/bkt/collection/2026-11/b.txt"]
        #expect(try readText(jobFolder + "/instances.txt") == samples.joined(separator: "\n") + "\n")
        #expect(try readText(folder.path + "/pwd.txt") == local + "/images/img1\n")

        var variables: [String: String] = [:]
        for line in try readText(envFile).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        // The job's own variables; the caller's environment passes through as it is.
        for (name, value) in ProcessInfo.processInfo.environment where name.hasPrefix("STEWARD_") && variables[name] == value {
            variables[name] = nil
        }
        #expect(variables == [
            "STEWARD_JOB_ID": "eval-2026-11-m-1",
            "STEWARD_MODEL_DIR": local + "/models/m-1/files",
            "STEWARD_MODULES_DIR": storage + "/bkt/modules/m1",
            "STEWARD_INSTANCES_FILE": jobFolder + "/instances.txt",
            "STEWARD_OUTPUT_DIR": storage + "/bkt/evaluations/accuracy/eval-2026-11-m-1",
            "STEWARD_STORAGE_ROOT": storage,
        ])

        let results = try readText(storage + "/bkt/evaluations/accuracy/eval-2026-11-m-1/prediction.results-00000-of-00001")
        let lines = results.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(lines.count == 2)
        for (line, (sample, label)) in zip(lines, zip(samples, ["cat", "dog"])) {
            #expect(line?["instance"] as? String == sample)
            #expect((line?["prediction"] as? [String: Any])?["label"] as? String == label)
        }
    }

    @Test("starting a job twice adopts it: the command runs once")
    func startTwice() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        let service = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
        let counter = folder.path + "/count.txt"
        let request = request("eval-once", command: "echo ran >> '\(counter)'")
        #expect(try await service.start(request) == .created)
        #expect(try await service.start(request) == .adopted)
        #expect(try await finished(service, "eval-once").state == .succeeded)
        #expect(try await LocalBatchPredictionService(layout: folder.layout, logger: testLogger).start(request) == .adopted)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try readText(counter) == "ran\n")
        #expect(try await service.observeJobs().map(\.id) == ["eval-once"])
    }

    @Test("a command that exits 4 is observed failed with its exit code")
    func failing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        let service = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
        _ = try await service.start(request("eval-fail", command: "echo 'no such model' >&2; exit 4"))
        let observed = try await finished(service, "eval-fail")
        #expect(observed.state == .failed)
        #expect(observed.message?.hasPrefix("exit code 4") == true)
        #expect(observed.message?.contains("no such model") == true)
        let record = try BatchJobRecord.decode(Array(Data(contentsOf: URL(fileURLWithPath: folder.layout.batchJob(id: "eval-fail") + "/job.json"))))
        #expect(record.state == .failed && record.exitCode == 4)
    }

    @Test("a job outlives the service that started it: observed running, then succeeded")
    func detached() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        // The job waits for a gate file, so "still running" does not depend on the machine's speed.
        let gate = folder.path + "/gate"
        do {
            let service = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
            _ = try await service.start(request("eval-detached", command: """
                while [ ! -f '\(gate)' ]; do sleep 0.05; done; echo done > "$STEWARD_OUTPUT_DIR/done.txt"
                """))
        }
        let fresh = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
        #expect(try await job(fresh, "eval-detached")?.state == .running)
        #expect(FileManager.default.createFile(atPath: gate, contents: Data()))
        #expect(try await finished(fresh, "eval-detached").state == .succeeded)
        #expect(try readText(folder.layout.path(for: Self.output) + "/done.txt") == "done\n")
    }

    @Test("an Evaluation without local.command fails at once and starts nothing")
    func missingCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        let service = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) { try await service.start(request("eval-nocmd", command: nil)) }
        #expect(error?.message == "Evaluation 'accuracy' has no local.command; the local provider predicts with it")
        #expect(error?.disposition == .stalled)
        #expect(!FileManager.default.fileExists(atPath: folder.layout.batchJob(id: "eval-nocmd")))
    }

    @Test("a job of another key under the same display name is refused")
    func otherKey() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await setUp(folder)
        let service = LocalBatchPredictionService(layout: folder.layout, logger: testLogger)
        _ = try await service.start(request("eval-shared", command: "true", key: "k1"))
        let error = await #expect(throws: RuntimeError.self) { try await service.start(request("eval-shared", command: "true", key: "k2")) }
        #expect(error?.code == "already_exists")
        #expect(try await finished(service, "eval-shared").key == "k1")
    }

    @Test("a display name that is no folder name becomes one, the same every time")
    func jobIDs() {
        let plain = request("eval-2026-11-m-1", command: nil)
        #expect(LocalBatchPredictionService.jobID(for: plain) == "eval-2026-11-m-1")
        let odd = request("accuracy / 2026-11 ✓", command: nil)
        let id = LocalBatchPredictionService.jobID(for: odd)
        #expect(id == "accuracy---2026-11---" + String(ContentKey.digest(of: "accuracy / 2026-11 ✓").prefix(8)))
        #expect(LocalImageBuilder.isSafeName(id))
    }
}
