import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Pipeline runs as detached local processes: `runs/<run id>/` holds `run.json`, `log.txt` and,
/// once the command ended, `exit` (its exit code).
///
/// A run is `local.command` run with `/bin/sh -c` in the image folder, in a session of its own, so
/// it outlives Steward; a small shell wrapper writes the exit code (`exit.tmp`, then renamed to
/// `exit`). Observation reads the folder, never a process table of its own: a run started by an
/// earlier Steward is observed like any other. The pid and the process's start time are recorded,
/// so a pid reused by another process is not mistaken for the run.
///
/// Idempotence: the run folder is made with `mkdir`; when it exists the run is adopted. Starting
/// goes `pending` → `launching` → `started` in `run.json` under an exclusive lock on the run folder
/// (and `mkdir` plus the first record under a lock on `runs/`). A run left `pending` by a Steward
/// that stopped before launching is launched by the next `start` of the same id and is not
/// observed meanwhile; one left `launching` is never launched again (its process may exist) and
/// is observed as failed.
public final class LocalPipelineService: PipelineService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
    }

    /// Starts the run; `template` is not used locally (the command is the pipeline).
    public func start(_ request: RunPipeline, template: [UInt8]?) async throws -> StartOutcome {
        guard let command = request.local?.command, !command.allSatisfy(\.isWhitespace) else {
            throw RuntimeError(code: "invalid",
                               message: "Pipeline '\(request.pipeline)' has no local.command; the local provider runs pipelines with it",
                               disposition: .stalled)
        }
        guard LocalImageBuilder.isSafeName(request.runID) else {
            throw RuntimeError(code: "invalid", message: "run id '\(request.runID)' is not a folder name", disposition: .stalled)
        }
        let outcome = try await Blocking.run { [self] in try startBlocking(request, command: command) }
        logger.debug("started pipeline run", metadata: ["run.id": "\(request.runID)", "pipeline": "\(request.pipeline)",
                                                        "run.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    public func observeRuns() async throws -> [ObservedRun] {
        let runs = layout.runs
        let now = self.now
        let observed = try await Blocking.run {
            // One listing of runs/, then each run's folder.
            try LocalFiles.entries(of: runs)
                .filter { $0.isDirectory && !$0.name.hasPrefix(".") }
                .compactMap { Self.observe(runs + "/" + $0.name, now: now) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
        logger.debug("observed pipeline runs", metadata: ["runs": "\(observed.count)"])
        return observed
    }

    public func cancel(runID: String) async throws {
        guard LocalImageBuilder.isSafeName(runID) else { throw RuntimeError.notFound("run '\(runID)'") }
        let folder = layout.run(id: runID)
        let now = self.now
        let cancelled = try await Blocking.run { () throws -> Bool in
            guard LocalFiles.isDirectory(folder) else { throw RuntimeError.notFound("run '\(runID)'") }
            // Waits for a start in progress, so the process (if any) is recorded.
            let lock = try DirectoryLock.acquire(folder)
            defer { lock.release() }
            let record = try? RunRecord.decode(LocalFiles.read(folder + "/" + RunRecord.fileName))
            if LocalFiles.exists(folder + "/" + RunRecord.exitName) || record?.state.isFinished == true {
                return false  // ended already: left as it is
            }
            // The marker first: from here on the run is cancelled, whatever the process does.
            guard try LocalFiles.createExclusively(Array("\(now().iso8601)\n".utf8), at: folder + "/" + RunRecord.cancelledName) else {
                return false
            }
            record?.process?.signalGroup(SIGTERM)
            return true
        }
        logger.debug("cancelled pipeline run", metadata: ["run.id": "\(runID)", "run.cancelled": "\(cancelled)"])
    }

    // MARK: - Starting

    private func startBlocking(_ request: RunPipeline, command: String) throws -> StartOutcome {
        let folder = layout.run(id: request.runID)
        try LocalFiles.makeDirectories(layout.runs)
        guard let claim = try claim(request, folder: folder) else { return .adopted }
        defer { claim.lock.release() }
        var record = claim.record
        try launch(&record, command: command, folder: folder)
        return claim.outcome
    }

    /// Makes the run folder and its `pending` record, or finds them; returns the record to launch,
    /// with the run folder locked, or nil when the run is adopted as it is.
    private func claim(_ request: RunPipeline, folder: String) throws
        -> (record: RunRecord, lock: DirectoryLock, outcome: StartOutcome)? {
        let recordPath = folder + "/" + RunRecord.fileName
        // Under the lock on runs/, `mkdir` and the first record happen together for other starters.
        let runsLock = try DirectoryLock.acquire(layout.runs)
        defer { runsLock.release() }
        if mkdir(folder, 0o755) == 0 {
            let lock = try DirectoryLock.acquire(folder)
            let record = RunRecord(state: .pending, request: request, createdAt: now())
            do {
                try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
            return (record, lock, .created)
        }
        let err = errno
        guard err == EEXIST else { throw LocalFiles.error("create the run folder", folder, errno: err) }
        // Held: another start is launching it right now.
        guard let lock = DirectoryLock.tryAcquire(folder) else { return nil }
        let record: RunRecord
        if let existing = try? RunRecord.decode(LocalFiles.read(recordPath)) {
            guard existing.state == .pending, !LocalFiles.exists(folder + "/" + RunRecord.cancelledName) else {
                lock.release()
                return nil
            }
            record = existing
        } else {
            // The Steward that made the folder stopped before recording the run.
            record = RunRecord(state: .pending, request: request, createdAt: now())
            do {
                try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
        }
        logger.debug("launching a run an earlier start left pending", metadata: ["run.id": "\(request.runID)"])
        return (record, lock, .adopted)
    }

    /// Launches the command of a `pending` run; the caller holds the run folder's lock.
    private func launch(_ record: inout RunRecord, command: String, folder: String) throws {
        let request = record.request
        let recordPath = folder + "/" + RunRecord.fileName
        let workingDirectory = request.imageTree.map { layout.image(tree: $0) } ?? folder
        guard LocalFiles.isDirectory(workingDirectory) else {
            throw RuntimeError(code: "not_found",
                               message: "image folder '\(workingDirectory)' of run '\(request.runID)' does not exist; build the image of Pipeline '\(request.pipeline)' first",
                               disposition: .retry)
        }
        let environment = RunEnvironment(request: request, layout: layout)
        for directory in [environment.outputDirectory, environment.modelDirectory] + [environment.blessingDirectory].compactMap({ $0 }) {
            try LocalFiles.makeDirectories(directory)
        }

        // From here on the process may exist: a later start must not launch it again.
        record.state = .launching
        record.workingDirectory = workingDirectory
        record.blessingDirectory = environment.blessingDirectory
        try LocalFiles.writeAtomically(record.encoded(), to: recordPath)

        try DetachedLaunch.launch(&record, command: command, name: "steward-run", folder: folder,
                                  workingDirectory: workingDirectory,
                                  environment: environment.merged(over: ProcessInfo.processInfo.environment),
                                  recordPath: recordPath, now: now)
    }

    /// `$1` the run folder, `$2` the working folder, `$3` the command. Exit codes 127 and the
    /// like come from `sh` itself; the exit file is written atomically.
    static let wrapper = #"""
        finish() { printf '%s\n' "$1" > "$run/exit.tmp" && mv -f "$run/exit.tmp" "$run/exit"; exit "$1"; }
        run=$1
        cd "$2" || { echo "steward: cannot enter the folder '$2'" >&2; finish 127; }
        /bin/sh -c "$3"
        finish $?
        """#

    // MARK: - Observing

    /// A run's state, from its files and its process; nil for a folder that is no run (yet).
    private static func observe(_ folder: String, now: @Sendable () -> Instant) -> ObservedRun? {
        let recordPath = folder + "/" + RunRecord.fileName
        guard let record = try? RunRecord.decode(LocalFiles.read(recordPath)) else { return nil }
        let cancelledPath = folder + "/" + RunRecord.cancelledName

        if LocalFiles.exists(cancelledPath) {
            record.process?.reapIfExited()
            let finishedAt = LocalFiles.modificationTime(cancelledPath)
            remember(record, .cancelled, exitCode: nil, finishedAt: finishedAt, message: "cancelled", at: recordPath)
            return record.observed(state: .cancelled, finishedAt: finishedAt, message: "cancelled")
        }
        if let ended = exited(folder) {
            record.process?.reapIfExited()
            remember(record, ended.state, exitCode: ended.code, finishedAt: ended.finishedAt, message: ended.message, at: recordPath)
            return record.observed(state: ended.state, finishedAt: ended.finishedAt, message: ended.message)
        }
        switch record.state {
        case .succeeded, .failed, .cancelled:
            let state: WorkState = record.state == .succeeded ? .succeeded : record.state == .failed ? .failed : .cancelled
            return record.observed(state: state, finishedAt: record.finishedAt, message: record.message)
        case .pending, .launching:
            if let lock = DirectoryLock.tryAcquire(folder) {
                lock.release()
                // A start that stopped before launching is no run: the next start of this id launches it.
                guard record.state == .launching else { return nil }
                let message = "the run's process vanished: Steward stopped while starting it"
                return record.observed(state: .failed, finishedAt: record.finishedAt, message: message)
            }
            return record.observed(state: .pending)
        case .started:
            if record.process?.isAlive == true { return record.observed(state: .running) }
            // It may have exited between the two looks.
            if let ended = exited(folder) {
                record.process?.reapIfExited()
                remember(record, ended.state, exitCode: ended.code, finishedAt: ended.finishedAt, message: ended.message, at: recordPath)
                return record.observed(state: ended.state, finishedAt: ended.finishedAt, message: ended.message)
            }
            record.process?.reapIfExited()
            let message = "the run's process vanished" + logTail(folder)
            let finishedAt = now()
            remember(record, .failed, exitCode: nil, finishedAt: finishedAt, message: message, at: recordPath)
            return record.observed(state: .failed, finishedAt: finishedAt, message: message)
        }
    }

    static func exited(_ folder: String) -> (state: WorkState, code: Int32?, finishedAt: Instant?, message: String?)? {
        let exitPath = folder + "/" + RunRecord.exitName
        guard let bytes = try? LocalFiles.read(exitPath) else { return nil }
        let finishedAt = LocalFiles.modificationTime(exitPath)
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let code = Int32(text) else {
            return (.failed, nil, finishedAt, "unreadable exit file '\(exitPath)'")
        }
        if code == 0 { return (.succeeded, 0, finishedAt, nil) }
        return (.failed, code, finishedAt, "exit code \(code)" + logTail(folder))
    }

    static func logTail(_ folder: String) -> String {
        guard let tail = LocalFiles.tail(folder + "/" + RunRecord.logName), !tail.isEmpty else { return "" }
        return "; last lines of the log:\n" + tail
    }

    /// Copies a finished state into `run.json` once, for people reading it.
    private static func remember(_ record: RunRecord, _ state: WorkState, exitCode: Int32?, finishedAt: Instant?,
                                 message: String?, at path: String) {
        let phase: RunRecord.Phase = switch state {
        case .succeeded: .succeeded
        case .cancelled: .cancelled
        default: .failed
        }
        guard !record.state.isFinished else { return }
        var updated = record
        updated.state = phase
        updated.exitCode = exitCode
        updated.finishedAt = finishedAt
        updated.message = message
        if let bytes = try? updated.encoded() { try? LocalFiles.writeAtomically(bytes, to: path) }
    }
}
