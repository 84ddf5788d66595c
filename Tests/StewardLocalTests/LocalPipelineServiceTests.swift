import Foundation
import Glibc
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local pipeline service")
struct LocalPipelineServiceTests {
    static let root = StorageURI(bucket: "bkt", path: "pipelines/train")

    func request(id: String, command: String?, imageTree: String? = nil, blessing: Bool = false) -> RunPipeline {
        RunPipeline(runID: id, pipeline: "train", displayName: "train", attempt: 1, key: "key-\(id)", commit: "abc123",
                    template: .repository(RepositoryPath(unchecked: "pipelines/train.json")), root: Self.root,
                    parameters: ["epochs": .int(3), "learning-rate": .double(0.5), "name": .string("cifar 10")],
                    spans: [2, 1], datasetRoot: StorageURI(bucket: "bkt", path: "data/cifar"),
                    image: imageTree.map { "gcr.io/p/train:\($0)" }, imageTree: imageTree,
                    modules: StorageURI(bucket: "bkt", path: "modules/m1"), modulesTree: "m1",
                    serviceAccount: nil, enableCaching: true,
                    outputs: PipelineSpec.Outputs(model: ArtifactRef(task: "fit", artifact: "weights"),
                                                  blessing: blessing ? ArtifactRef(task: "check", artifact: "blessing") : nil),
                    local: command.map { PipelineSpec.LocalRun(command: $0) }, labels: ["steward-managed": "true"])
    }

    func run(_ service: LocalPipelineService, _ id: String) async throws -> ObservedRun? {
        try await service.observeRuns().first { $0.id == id }
    }

    /// Waits until the run has finished and returns it.
    func finished(_ service: LocalPipelineService, _ id: String) async throws -> ObservedRun {
        _ = try await eventually { try await run(service, id)?.state.isFinished == true }
        return try #require(try await run(service, id))
    }

    func runRecord(_ layout: LocalLayout, _ id: String) throws -> RunRecord {
        try RunRecord.decode(Array(Data(contentsOf: URL(fileURLWithPath: layout.run(id: id) + "/run.json"))))
    }

    @Test("a run gets the documented environment, runs in the image folder, and succeeds")
    func environment() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        try FileManager.default.createDirectory(atPath: layout.image(tree: "img1"), withIntermediateDirectories: true)
        let service = LocalPipelineService(layout: layout, logger: testLogger)
        let command = #"echo weights > "$STEWARD_MODEL_DIR/model.bin"; env | grep '^STEWARD_' > "$STEWARD_OUTPUT_DIR/env.txt"; pwd -P > "$STEWARD_OUTPUT_DIR/pwd.txt""#
        let outcome = try await service.start(request(id: "train-env", command: command, imageTree: "img1", blessing: true),
                                              template: nil)
        #expect(outcome == .created)
        let observed = try await finished(service, "train-env")
        #expect(observed.state == .succeeded)
        #expect(observed.finishedAt != nil)
        #expect(observed.key == "key-train-env" && observed.attempt == 1 && observed.commit == "abc123")
        #expect(observed.imageTree == "img1" && observed.modulesTree == "m1" && observed.spans == [2, 1])

        let storage = folder.path + "/local/storage"
        let output = storage + "/bkt/pipelines/train/train-env"
        #expect(try readText(output + "/fit/weights/model.bin") == "weights\n")
        #expect(try readText(output + "/pwd.txt") == folder.path + "/local/images/img1\n")

        var variables: [String: String] = [:]
        for line in try readText(output + "/env.txt").split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let expected: [String: String] = [
            "STEWARD_RUN_ID": "train-env",
            "STEWARD_PIPELINE": "train",
            "STEWARD_IMAGE": "gcr.io/p/train:img1",
            "STEWARD_STORAGE_ROOT": storage,
            "STEWARD_PIPELINE_ROOT": storage + "/bkt/pipelines/train",
            "STEWARD_OUTPUT_DIR": output,
            "STEWARD_MODEL_DIR": output + "/fit/weights",
            "STEWARD_BLESSING_DIR": output + "/check/blessing",
            "STEWARD_MODULES_DIR": storage + "/bkt/modules/m1",
            "STEWARD_DATASET_ROOT": storage + "/bkt/data/cifar",
            "STEWARD_SPANS": "1,2",
            "STEWARD_PARAMETERS": #"{"epochs":3,"learning-rate":0.5,"name":"cifar 10"}"#,
            "STEWARD_PARAM_EPOCHS": "3",
            "STEWARD_PARAM_LEARNING_RATE": "0.5",
            "STEWARD_PARAM_NAME": "cifar 10",
        ]
        for (name, value) in expected {
            #expect(variables[name] == value, "\(name)")
        }
        // Only the run's own variables: none leaks in, beyond what the caller's environment holds itself.
        let inherited = Set(ProcessInfo.processInfo.environment.keys.filter { $0.hasPrefix("STEWARD_") })
        #expect(Set(variables.keys).subtracting(inherited) == Set(expected.keys))

        let record = try runRecord(layout, "train-env")
        #expect(record.request.key == "key-train-env")
        #expect(record.request.labels == ["steward-managed": "true"])
        #expect(record.state == .succeeded && record.exitCode == 0)
    }

    @Test("without an image the run works in its run folder and has no blessing variable")
    func noImage() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        let command = #"pwd -P > where.txt; echo "[${STEWARD_IMAGE}] [${STEWARD_BLESSING_DIR-unset}]" > vars.txt"#
        _ = try await service.start(request(id: "train-noimage", command: command), template: nil)
        #expect(try await finished(service, "train-noimage").state == .succeeded)
        let runFolder = folder.layout.run(id: "train-noimage")
        #expect(try readText(runFolder + "/where.txt") == runFolder + "\n")
        #expect(try readText(runFolder + "/vars.txt") == "[] [unset]\n")
    }

    @Test("a command that exits 3 is observed failed with its exit code and the log's tail")
    func failingCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        _ = try await service.start(request(id: "train-fail", command: "echo 'loss is NaN' >&2; exit 3"), template: nil)
        let observed = try await finished(service, "train-fail")
        #expect(observed.state == .failed)
        #expect(observed.message?.hasPrefix("exit code 3") == true)
        #expect(observed.message?.contains("loss is NaN") == true)
        #expect(try readText(folder.layout.run(id: "train-fail") + "/exit") == "3\n")
    }

    @Test("a Pipeline without local.command fails at once and starts nothing")
    func missingCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) {
            try await service.start(request(id: "train-nocmd", command: nil), template: nil)
        }
        #expect(error?.message == "Pipeline 'train' has no local.command; the local provider runs pipelines with it")
        #expect(error?.disposition == .stalled)
        #expect(!FileManager.default.fileExists(atPath: folder.layout.run(id: "train-nocmd")))
    }

    @Test("starting one run id twice adopts it: the command runs once")
    func startTwice() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        let counter = folder.path + "/count.txt"
        let request = request(id: "train-once", command: "echo ran >> '\(counter)'")
        let outcomes = try await withThrowingTaskGroup(of: StartOutcome.self) { group in
            for _ in 0..<4 { group.addTask { try await service.start(request, template: nil) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .created }.count == 1)
        #expect(outcomes.filter { $0 == .adopted }.count == 3)
        #expect(try await finished(service, "train-once").state == .succeeded)
        #expect(try await service.start(request, template: nil) == .adopted)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try readText(counter) == "ran\n")
    }

    @Test("a run outlives the service that started it and is observed by a new one")
    func detached() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The run waits for a gate file, so "still running" does not depend on the machine's speed.
        let gate = folder.layout.root + "/gate"
        do {
            let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
            _ = try await service.start(request(id: "train-detached",
                                                command: "while [ ! -f '\(gate)' ]; do sleep 0.05; done; echo done > done.txt"),
                                        template: nil)
        }
        let fresh = LocalPipelineService(layout: folder.layout, logger: testLogger)
        #expect(try await run(fresh, "train-detached")?.state == .running)
        FileManager.default.createFile(atPath: gate, contents: Data())
        let observed = try await finished(fresh, "train-detached")
        #expect(observed.state == .succeeded)
        #expect(try readText(folder.layout.run(id: "train-detached") + "/done.txt") == "done\n")
        let record = try runRecord(folder.layout, "train-detached")
        let process = try #require(record.process)
        // Its own session: the run's process leads a group of its own.
        #expect(process.pid != getpid())
    }

    @Test("cancelling a running run stops its process group and is observed cancelled")
    func cancel() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        _ = try await service.start(request(id: "train-cancel", command: "sleep 600"), template: nil)
        #expect(try await run(service, "train-cancel")?.state == .running)
        let process = try #require(try runRecord(folder.layout, "train-cancel").process)
        #expect(processGroupIsAlive(process.pid))

        try await service.cancel(runID: "train-cancel")
        let observed = try #require(try await run(service, "train-cancel"))
        #expect(observed.state == .cancelled)
        #expect(observed.finishedAt != nil)
        #expect(await eventually(timeout: 5) {
            _ = try? await service.observeRuns()  // reaps the wrapper, our child
            return !processGroupIsAlive(process.pid)
        })
        // Cancelling again, or a finished run, changes nothing.
        try await service.cancel(runID: "train-cancel")
        #expect(try await run(service, "train-cancel")?.state == .cancelled)
    }

    @Test("a run whose process vanished without an exit code is observed failed")
    func vanished() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        _ = try await service.start(request(id: "train-killed", command: "sleep 600"), template: nil)
        let process = try #require(try runRecord(folder.layout, "train-killed").process)
        // Killed from outside: the wrapper never writes the exit file.
        #expect(kill(-process.pid, SIGKILL) == 0)
        let observed = try await finished(service, "train-killed")
        #expect(observed.state == .failed)
        #expect(observed.message?.contains("the run's process vanished") == true)
    }

    @Test("a run left pending by a Steward that stopped before launching is not observed, and the next start launches it")
    func resumePending() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        let request = request(id: "train-resume", command: "echo resumed > resumed.txt")
        let runFolder = layout.run(id: "train-resume")
        try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        let record = RunRecord(state: .pending, request: request, createdAt: Instant(millisecondsSinceEpoch: 0))
        try Data(record.encoded()).write(to: URL(fileURLWithPath: runFolder + "/run.json"))

        let service = LocalPipelineService(layout: layout, logger: testLogger)
        #expect(try await run(service, "train-resume") == nil)
        #expect(try await service.start(request, template: nil) == .adopted)
        #expect(try await finished(service, "train-resume").state == .succeeded)
        #expect(try readText(runFolder + "/resumed.txt") == "resumed\n")
    }
}

/// A start killed between writing `launching` and recording the process.
@Suite("Local runs whose start was killed")
struct InterruptedLaunchTests {
    let tests = LocalPipelineServiceTests()

    /// Writes `run.json` as a start leaves it once it wrote `launching`.
    func leaveLaunching(_ layout: LocalLayout, _ request: RunPipeline) throws -> String {
        let folder = layout.run(id: request.runID)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var record = RunRecord(state: .launching, request: request, createdAt: Instant(millisecondsSinceEpoch: 0))
        record.workingDirectory = folder
        try Data(record.encoded()).write(to: URL(fileURLWithPath: folder + "/run.json"))
        return folder
    }

    @Test("killed before the spawn: not observed as failed, and the next start launches it once")
    func beforeSpawn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let request = tests.request(id: "train-early", command: "echo ran >> count.txt")
        let runFolder = try leaveLaunching(folder.layout, request)
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)

        #expect(try await tests.run(service, "train-early") == nil)
        #expect(try await service.start(request, template: nil) == .adopted)
        #expect(try await tests.finished(service, "train-early").state == .succeeded)
        #expect(try readText(runFolder + "/count.txt") == "ran\n")
        // Started once: a second start adopts the finished run.
        #expect(try await service.start(request, template: nil) == .adopted)
        #expect(try readText(runFolder + "/count.txt") == "ran\n")
    }

    @Test("killed after the spawn: the running process is adopted, and a start does not launch a second one")
    func afterSpawn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let request = tests.request(id: "train-late", command: "echo ran >> count.txt; while [ ! -f go ]; do sleep 0.05; done")
        let runFolder = try leaveLaunching(folder.layout, request)
        // The process the killed start spawned: the wrapper with the run's arguments.
        let pid = try ProcessLauncher.spawnShell(script: DetachedJobRunner<RunRecord>.wrapper, name: "steward-run",
                                                 arguments: [runFolder, runFolder, request.local!.command],
                                                 environment: ProcessInfo.processInfo.environment,
                                                 logPath: runFolder + "/log.txt")
        defer { kill(-pid, SIGKILL) }
        _ = await eventually { (try? readText(runFolder + "/count.txt")) == "ran\n" }

        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        #expect(try await tests.run(service, "train-late")?.state == .running)
        #expect(try await service.start(request, template: nil) == .adopted)
        let record = try tests.runRecord(folder.layout, "train-late")
        #expect(record.state == .started)
        #expect(record.process?.pid == pid)

        _ = FileManager.default.createFile(atPath: runFolder + "/go", contents: nil)
        #expect(try await tests.finished(service, "train-late").state == .succeeded)
        #expect(try readText(runFolder + "/count.txt") == "ran\n")
    }

    @Test("of two wrappers of one run, only the one that claims the folder runs the command")
    func oneClaim() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let request = tests.request(id: "train-twice", command: "echo ran >> count.txt")
        let runFolder = try leaveLaunching(folder.layout, request)
        let spawn = {
            try ProcessLauncher.spawnShell(script: DetachedJobRunner<RunRecord>.wrapper, name: "steward-run",
                                           arguments: [runFolder, runFolder, request.local!.command],
                                           environment: ProcessInfo.processInfo.environment, logPath: runFolder + "/log.txt")
        }
        let first = try spawn(), second = try spawn()
        let codes = [ProcessLauncher.wait(for: first), ProcessLauncher.wait(for: second)]
        #expect(codes.sorted() == [0, 75])
        #expect(try readText(runFolder + "/count.txt") == "ran\n")
        #expect(try readText(runFolder + "/exit") == "0\n")
    }

    @Test("a run whose claimed process vanished is failed: it ran")
    func claimedThenVanished() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let request = tests.request(id: "train-gone", command: "true")
        let runFolder = try leaveLaunching(folder.layout, request)
        try Data("999999\n".utf8).write(to: URL(fileURLWithPath: runFolder + "/pid"))
        let service = LocalPipelineService(layout: folder.layout, logger: testLogger)
        let observed = try #require(try await tests.run(service, "train-gone"))
        #expect(observed.state == .failed)
        #expect(observed.message?.contains("the run's process vanished") == true)
        #expect(try await service.start(request, template: nil) == .adopted)
        #expect(!FileManager.default.fileExists(atPath: runFolder + "/exit"))
    }
}
