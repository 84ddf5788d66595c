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
/// module copy), in a session of its own, so it outlives Steward. Starting and observing follow
/// `LocalPipelineService`: `pending` → `launching` → `started` under a lock on the job folder; the
/// outcome comes from the `exit` file the wrapper writes, the process (pid and start time), or a
/// `cancelled` marker.
public final class LocalBatchPredictionService: BatchPredictionService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    /// A batch prediction service under `layout`'s root; `now` stamps the jobs' times.
    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
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
        let batch = layout.batch
        let now = self.now
        let jobs = try await Blocking.run {
            try LocalFiles.entries(of: batch)
                .filter { $0.isDirectory && !$0.name.hasPrefix(".") }
                .compactMap { Self.observe(batch + "/" + $0.name, now: now) }
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
        let outcome = try await Blocking.run { [self] in try startBlocking(request, id: id, command: command) }
        logger.debug("started batch prediction job", metadata: ["job.id": "\(id)", "evaluation": "\(request.evaluation)",
                                                                "job.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    // MARK: - Starting

    private func startBlocking(_ request: BatchPredict, id: String, command: String) throws -> StartOutcome {
        let folder = layout.batchJob(id: id)
        try LocalFiles.makeDirectories(layout.batch)
        guard let claim = try claim(request, id: id, folder: folder) else { return .adopted }
        defer { claim.lock.release() }
        var record = claim.record
        try launch(&record, command: command, folder: folder)
        return claim.outcome
    }

    /// Makes the job folder and its `pending` record, or finds them; returns the record to launch, with
    /// the job folder locked, or nil when the job is adopted as it is.
    private func claim(_ request: BatchPredict, id: String, folder: String) throws
        -> (record: BatchJobRecord, lock: DirectoryLock, outcome: StartOutcome)? {
        let recordPath = folder + "/" + BatchJobRecord.fileName
        let pending = BatchJobRecord(id: id, state: .pending, request: request, createdAt: now())
        // Under the lock on batch/, `mkdir` and the first record happen together for other starters.
        let batchLock = try DirectoryLock.acquire(layout.batch)
        defer { batchLock.release() }
        if mkdir(folder, 0o755) == 0 {
            let lock = try DirectoryLock.acquire(folder)
            do {
                try LocalFiles.writeAtomically(pending.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
            return (pending, lock, .created)
        }
        let err = errno
        guard err == EEXIST else { throw LocalFiles.error("create the job folder", folder, errno: err) }
        let existing = try? BatchJobRecord.decode(LocalFiles.read(recordPath))
        if let existing, existing.request.key != request.key {
            throw RuntimeError(code: "already_exists",
                               message: "batch prediction job '\(id)' exists with key '\(existing.request.key)', not '\(request.key)'; two predictions of Evaluation '\(request.evaluation)' share the display name '\(request.displayName)'",
                               disposition: .stalled)
        }
        // Held: another start is launching it right now.
        guard let lock = DirectoryLock.tryAcquire(folder) else { return nil }
        let record: BatchJobRecord
        if let existing {
            guard existing.state == .pending, !LocalFiles.exists(folder + "/" + RunRecord.cancelledName) else {
                lock.release()
                return nil
            }
            record = existing
        } else {
            // The Steward that made the folder stopped before recording the job.
            record = pending
            do {
                try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
        }
        logger.debug("launching a batch prediction job an earlier start left pending", metadata: ["job.id": "\(id)"])
        return (record, lock, .adopted)
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

    /// Launches the command of a `pending` job; the caller holds the job folder's lock.
    private func launch(_ record: inout BatchJobRecord, command: String, folder: String) throws {
        let request = record.request
        let recordPath = folder + "/" + BatchJobRecord.fileName
        let place = try resolve(request)
        let outputDirectory = layout.path(for: request.output)
        try LocalFiles.makeDirectories(outputDirectory)
        let instancesFile = folder + "/" + BatchJobRecord.instancesName
        let lines = request.instances.map { layout.path(for: $0) + "\n" }.joined()
        try LocalFiles.writeAtomically(Array(lines.utf8), to: instancesFile)
        let environment = BatchEnvironment(jobID: record.id, modelDirectory: place.modelDirectory,
                                           modulesDirectory: place.modulesDirectory, instancesFile: instancesFile,
                                           outputDirectory: outputDirectory, layout: layout)

        // From here on the process may exist: a later start must not launch it again.
        record.state = .launching
        record.workingDirectory = place.workingDirectory
        record.environment = environment.variables
        try LocalFiles.writeAtomically(record.encoded(), to: recordPath)

        try DetachedLaunch.launch(&record, command: command, name: "steward-batch", folder: folder,
                                  workingDirectory: place.workingDirectory,
                                  environment: environment.merged(over: ProcessInfo.processInfo.environment),
                                  recordPath: recordPath, now: now)
    }

    // MARK: - Observing

    /// A job's state, from its files and its process; nil for a folder that is no job (yet).
    private static func observe(_ folder: String, now: @Sendable () -> Instant) -> ObservedBatchJob? {
        let recordPath = folder + "/" + BatchJobRecord.fileName
        guard let record = try? BatchJobRecord.decode(LocalFiles.read(recordPath)) else { return nil }
        let cancelledPath = folder + "/" + RunRecord.cancelledName

        if LocalFiles.exists(cancelledPath) {
            record.process?.reapIfExited()
            remember(record, .cancelled, exitCode: nil, finishedAt: LocalFiles.modificationTime(cancelledPath),
                     message: "cancelled", at: recordPath)
            return record.observed(state: .cancelled, message: "cancelled")
        }
        if let ended = LocalPipelineService.exited(folder) {
            record.process?.reapIfExited()
            remember(record, ended.state, exitCode: ended.code, finishedAt: ended.finishedAt, message: ended.message, at: recordPath)
            return record.observed(state: ended.state, message: ended.message)
        }
        switch record.state {
        case .succeeded, .failed, .cancelled:
            let state: WorkState = record.state == .succeeded ? .succeeded : record.state == .failed ? .failed : .cancelled
            return record.observed(state: state, message: record.message)
        case .pending, .launching:
            if let lock = DirectoryLock.tryAcquire(folder) {
                lock.release()
                // A start that stopped before launching is no job: the next start launches it.
                guard record.state == .launching else { return nil }
                return record.observed(state: .failed, message: "the job's process vanished: Steward stopped while starting it")
            }
            return record.observed(state: .pending)
        case .started:
            if record.process?.isAlive == true { return record.observed(state: .running) }
            // It may have exited between the two looks.
            if let ended = LocalPipelineService.exited(folder) {
                record.process?.reapIfExited()
                remember(record, ended.state, exitCode: ended.code, finishedAt: ended.finishedAt, message: ended.message, at: recordPath)
                return record.observed(state: ended.state, message: ended.message)
            }
            record.process?.reapIfExited()
            let message = "the job's process vanished" + LocalPipelineService.logTail(folder)
            remember(record, .failed, exitCode: nil, finishedAt: now(), message: message, at: recordPath)
            return record.observed(state: .failed, message: message)
        }
    }

    /// Copies a finished state into `job.json` once, for people reading it.
    private static func remember(_ record: BatchJobRecord, _ state: WorkState, exitCode: Int32?, finishedAt: Instant?,
                                 message: String?, at path: String) {
        guard !record.state.isFinished else { return }
        var updated = record
        updated.state = switch state {
        case .succeeded: .succeeded
        case .cancelled: .cancelled
        default: .failed
        }
        updated.exitCode = exitCode
        updated.finishedAt = finishedAt
        updated.message = message
        if let bytes = try? updated.encoded() { try? LocalFiles.writeAtomically(bytes, to: path) }
    }
}
