import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Batch predictions as detached local processes: `batch/<job id>/` holds `job.json`, `instances.txt`
/// (the file-list handed to the command), `log.txt` and, once the command ended, `exit`.
///
/// The job id is the request's display name (deterministic: the Evaluation, the batch and the model),
/// kept as it is when it is a plain folder name and otherwise made one (other characters as `-`, plus
/// 8 hex digits of its SHA-256). The job folder is made with `mkdir`, so `start` creates or adopts;
/// a folder that holds a job of another `key` is refused with `already_exists`.
///
/// The command is `request.localCommand`, run with `/bin/sh -c` in the image folder of the run that
/// produced the model (the model's record names the run; the run's record names its image tree and
/// module copy), in a session of its own, so it outlives Steward. Starting and observing are
/// `DetachedJobRunner`'s, as for pipeline runs: the outcome is judged from the `exit` file the
/// wrapper writes, its claim `pid`, the process, or a `cancelled` marker.
public final class LocalBatchPredictionService: BatchPredictionService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant
    private let runner: DetachedJobRunner<BatchJobRecord>

    /// A batch prediction service under `layout`'s root; `now` stamps the jobs' times.
    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
        runner = DetachedJobRunner(parent: layout.batch, noun: "job", processName: "steward-batch", crashName: "local-batch",
                                   logger: logger, now: now)
    }

    /// The job id of a request: its display name as a folder name.
    public static func jobID(for request: BatchPredict) -> String {
        let name = request.displayName
        let plain = name.unicodeScalars.allSatisfy(isPlain)
        if plain, LocalImageBuilder.isSafeName(name), name.utf8.count <= 128 { return name }
        var cleaned = String(String.UnicodeScalarView(name.unicodeScalars.prefix(100).map { isPlain($0) ? $0 : "-" }))
        if cleaned.hasPrefix(".") { cleaned = "-" + cleaned.dropFirst() }
        return (cleaned.isEmpty ? "job" : cleaned) + "-" + String(ContentKey.digest(of: name).prefix(8))
    }

    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    /// Every job under `batch/`, oldest first; a job still `pending` that nobody is starting is left out
    /// (the next `start` of its display name launches it).
    public func observeJobs() async throws -> [ObservedBatchJob] {
        let runner = self.runner
        let jobs = try await Blocking.run {
            try runner.observeAll()
                .map { $0.record.observed(state: $0.state, message: $0.message) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
        logger.debug("observed batch prediction jobs", metadata: ["jobs": "\(jobs.count)"])
        return jobs
    }

    /// Starts the job, or adopts the one of that display name.
    public func start(_ request: BatchPredict) async throws -> StartOutcome {
        guard let command = request.localCommand, !command.allSatisfy(\.isWhitespace) else {
            throw RuntimeError(code: "invalid",
                               message: "Evaluation '\(request.evaluation)' has no local.command; the local provider predicts with it",
                               disposition: .stalled)
        }
        let id = Self.jobID(for: request)
        let fresh = BatchJobRecord(id: id, state: .pending, request: request, createdAt: now())
        let outcome = try await Blocking.run { [self] in
            try runner.start(id: id, fresh: fresh, conflict: { existing in
                RuntimeError(code: "already_exists",
                             message: "batch prediction job '\(id)' exists with key '\(existing.key)', not '\(request.key)'; two predictions of Evaluation '\(request.evaluation)' share the display name '\(request.displayName)'",
                             disposition: .stalled)
            }, prepare: { record in try prepare(&record, command: command) })
        }
        logger.debug("started batch prediction job", metadata: ["job.id": "\(id)", "evaluation": "\(request.evaluation)",
                                                                "job.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    /// Where the job runs and what it reads: from the model's record and the record of the run that produced it.
    private func resolve(_ request: BatchPredict) throws -> (workingDirectory: String, modelDirectory: String, modulesDirectory: String) {
        let modelFolder = layout.model(id: request.modelID)
        let model: ModelRecord
        do {
            guard LocalImageBuilder.isSafeName(request.modelID) else { throw RuntimeError.notFound("model") }
            model = try ModelRecord.load(modelFolder)
        } catch let error as RuntimeError where error.isNotFound {
            throw RuntimeError(code: "not_found",
                               message: "model '\(request.modelID)' of Evaluation '\(request.evaluation)' does not exist ('\(modelFolder)'); upload it first")
        }
        let runFolder = layout.run(id: model.runID)
        let run: RunRecord
        do {
            guard LocalImageBuilder.isSafeName(model.runID) else { throw RuntimeError.notFound("run") }
            run = try RunRecord.decode(LocalFiles.read(runFolder + "/" + RunRecord.fileName))
        } catch let error as RuntimeError where error.isNotFound {
            throw RuntimeError(code: "not_found",
                               message: "run '\(model.runID)' that produced model '\(request.modelID)' has no record '\(runFolder)/\(RunRecord.fileName)'; the local provider predicts in the image folder of that run",
                               disposition: .stalled)
        }
        let workingDirectory = run.request.imageTree.map { layout.image(tree: $0) } ?? runFolder
        guard LocalFiles.isDirectory(workingDirectory) else {
            throw RuntimeError(code: "not_found",
                               message: "image folder '\(workingDirectory)' of run '\(model.runID)' (model '\(request.modelID)') does not exist; build the image of Pipeline '\(run.request.pipeline)' first")
        }
        return (workingDirectory, modelFolder + "/" + ModelRecord.filesName, run.request.modules.map { layout.path(for: $0) } ?? "")
    }

    /// Readies the launch of a job nobody launched: its inputs, output folder and environment.
    private func prepare(_ record: inout BatchJobRecord, command: String) throws -> DetachedCommand {
        let request = record.request
        let place = try resolve(request)
        let outputDirectory = layout.path(for: request.output)
        try LocalFiles.makeDirectories(outputDirectory)
        let instancesFile = layout.batchJob(id: record.id) + "/" + BatchJobRecord.instancesName
        let lines = request.instances.map { layout.path(for: $0) + "\n" }.joined()
        try LocalFiles.writeAtomically(Array(lines.utf8), to: instancesFile)
        let environment = BatchEnvironment(jobID: record.id, modelDirectory: place.modelDirectory,
                                           modulesDirectory: place.modulesDirectory, instancesFile: instancesFile,
                                           outputDirectory: outputDirectory, layout: layout)
        record.workingDirectory = place.workingDirectory
        record.environment = environment.variables
        return DetachedCommand(command: command, workingDirectory: place.workingDirectory,
                               environment: environment.merged(over: ProcessInfo.processInfo.environment))
    }
}
