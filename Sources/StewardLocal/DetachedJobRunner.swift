import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// What a detached job's record holds: pipeline runs and batch jobs alike.
protocol DetachedJobRecord: LocalRecord, Sendable {
    static var fileName: String { get }
    /// The key of what was asked for: a folder holding a job of another key is refused.
    var key: String { get }
    var state: DetachedJob.Phase { get set }
    var createdAt: Instant { get }
    var startedAt: Instant? { get set }
    var finishedAt: Instant? { get set }
    var exitCode: Int32? { get set }
    var message: String? { get set }
    var process: ProcessIdentity? { get set }
}

/// How a job is launched: the command, where, and with what environment.
struct DetachedCommand {
    var command: String
    var workingDirectory: String
    var environment: [String: String]
}

/// How a job was observed.
struct DetachedObservation<Record: DetachedJobRecord> {
    var record: Record
    var state: WorkState
    var finishedAt: Instant?
    var message: String?
}

/// One job kind's folders under the local root (`runs/` or `batch/`), each job a folder holding its
/// record, `log.txt`, the wrapper's claim `pid` and, once the command ended, `exit`.
///
/// Starting goes `pending` → `launching` → `started` in the record under an exclusive lock on the job
/// folder (and `mkdir` plus the first record under a lock on the parent folder). What a start that was
/// killed left behind is judged by `DetachedJob` from evidence, never from the record alone.
///
/// `STEWARD_CRASH_AT=<crashName>:launching` (the record says `launching`, nothing is spawned) or
/// `<crashName>:spawned` (spawned, not recorded) kills Steward with SIGKILL at that moment, for the
/// tests that prove a killed launch neither loses nor repeats the job.
struct DetachedJobRunner<Record: DetachedJobRecord>: Sendable {
    /// The folder holding one folder per job.
    let parent: String
    /// "run" or "job", for messages.
    let noun: String
    /// The wrapper's `$0`, by which its process is told from others.
    let processName: String
    let crashName: String
    let logger: Logger
    let now: @Sendable () -> Instant

    static var logName: String { "log.txt" }
    static var exitName: String { "exit" }
    static var cancelledName: String { "cancelled" }
    static var claimName: String { "pid" }

    func folder(_ id: String) -> String { parent + "/" + id }

    // MARK: - Starting

    /// Creates the job `id` (or finds it) and launches its command unless it runs or ran already.
    /// `fresh` is the `pending` record of a new job; `prepare` readies a launch (folders, inputs)
    /// and may fill in the record; `conflict` is the error for a folder holding another key's job.
    func start(id: String, fresh: Record, conflict: (Record) -> RuntimeError,
               prepare: (inout Record) throws -> DetachedCommand) throws -> StartOutcome {
        let folder = folder(id)
        try LocalFiles.makeDirectories(parent)
        guard let claim = try claim(id: id, folder: folder, fresh: fresh, conflict: conflict) else { return .adopted }
        defer { claim.lock.release() }
        var record = claim.record
        let command = try prepare(&record)
        try launch(&record, command, folder: folder)
        return claim.outcome
    }

    /// Makes the job folder and its `pending` record, or finds them; returns the record to launch,
    /// with the job folder locked, or nil when the job is adopted as it is.
    private func claim(id: String, folder: String, fresh: Record, conflict: (Record) -> RuntimeError) throws
        -> (record: Record, lock: DirectoryLock, outcome: StartOutcome)? {
        let recordPath = folder + "/" + Record.fileName
        // Under the lock on the parent, `mkdir` and the first record happen together for other starters.
        let parentLock = try DirectoryLock.acquire(parent)
        defer { parentLock.release() }
        if mkdir(folder, 0o755) == 0 {
            let lock = try DirectoryLock.acquire(folder)
            do {
                try LocalFiles.writeAtomically(fresh.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
            return (fresh, lock, .created)
        }
        let err = errno
        guard err == EEXIST else { throw LocalFiles.error("create the \(noun) folder", folder, errno: err) }
        let existing = try? Record.decode(LocalFiles.read(recordPath))
        if let existing, existing.key != fresh.key { throw conflict(existing) }
        // Held: another start is launching it right now.
        guard let lock = DirectoryLock.tryAcquire(folder) else { return nil }
        guard let existing else {
            // The Steward that made the folder stopped before recording the job.
            do {
                try LocalFiles.writeAtomically(fresh.encoded(), to: recordPath)
            } catch {
                lock.release()
                throw error
            }
            logger.debug("launching a \(noun) whose folder an earlier start left without a record", metadata: ["job.id": "\(id)"])
            return (fresh, lock, .adopted)
        }
        // We hold the lock, so no start is in progress.
        let evidence = gather(existing, folder: folder, startInProgress: false)
        guard DetachedJob.judge(evidence) == .notStarted else {
            lock.release()
            return nil
        }
        if existing.state == .launching {
            logger.notice("launching a \(noun) again: an earlier start was stopped before its process started",
                          metadata: ["job.id": "\(id)"])
        } else {
            logger.debug("launching a \(noun) an earlier start left pending", metadata: ["job.id": "\(id)"])
        }
        return (existing, lock, .adopted)
    }

    /// Launches the command of a job nobody launched; the caller holds the job folder's lock.
    private func launch(_ record: inout Record, _ command: DetachedCommand, folder: String) throws {
        let recordPath = folder + "/" + Record.fileName
        // From here on the process may exist: only evidence of it decides what a later start does.
        record.state = .launching
        record.process = nil
        try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
        crashPoint("launching")

        let pid: Int32
        do {
            pid = try ProcessLauncher.spawnShell(script: Self.wrapper, name: processName,
                                                 arguments: [folder, command.workingDirectory, command.command],
                                                 environment: command.environment, logPath: folder + "/" + Self.logName)
        } catch let error as RuntimeError {
            record.state = .failed
            record.finishedAt = now()
            record.message = "could not start the command: \(error.message)"
            try? LocalFiles.writeAtomically(record.encoded(), to: recordPath)
            throw error
        }
        crashPoint("spawned")
        // Our child until it exits, so /proc/<pid> exists (as a zombie at worst) until it is reaped.
        record.process = ProcessIdentity.of(pid: pid)?.identity
        record.state = .started
        record.startedAt = now()
        do {
            try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
        } catch {
            // Its claim is the evidence a later start goes by; a record that cannot be written is an error.
            _ = kill(-pid, SIGKILL)
            throw error
        }
    }

    private func crashPoint(_ moment: String) {
        guard let wanted = ProcessInfo.processInfo.environment["STEWARD_CRASH_AT"], wanted == crashName + ":" + moment else { return }
        logger.critical("STEWARD_CRASH_AT=\(wanted): killing this process")
        kill(getpid(), SIGKILL)
    }

    /// `$1` the job folder, `$2` the working folder, `$3` the command. The claim comes first: `ln`
    /// fails when `pid` exists, so of two wrappers of one job only one runs the command. Exit codes
    /// 127 and the like come from `sh` itself; the exit file is written atomically.
    static var wrapper: String {
        #"""
        finish() { printf '%s\n' "$1" > "$job/exit.tmp" && mv -f "$job/exit.tmp" "$job/exit"; exit "$1"; }
        job=$1
        printf '%s\n' "$$" > "$job/pid.$$" || exit 75
        if ! ln "$job/pid.$$" "$job/pid" 2>/dev/null; then rm -f "$job/pid.$$"; exit 75; fi
        rm -f "$job/pid.$$"
        cd "$2" || { echo "steward: cannot enter the folder '$2'" >&2; finish 127; }
        /bin/sh -c "$3"
        finish $?
        """#
    }

    // MARK: - Observing

    /// Every job, oldest first; a job that has not started and that nobody is starting is left out
    /// (the next `start` of it launches it).
    func observeAll() throws -> [DetachedObservation<Record>] {
        try LocalFiles.entries(of: parent)
            .filter { $0.isDirectory && !$0.name.hasPrefix(".") }
            .compactMap { observe(folder: parent + "/" + $0.name) }
    }

    /// A job's state from its evidence; nil for a folder that is no job (yet).
    func observe(folder: String) -> DetachedObservation<Record>? {
        let recordPath = folder + "/" + Record.fileName
        guard var record = try? Record.decode(LocalFiles.read(recordPath)) else { return nil }
        // Only a job being started holds its lock; one that has started is observed without it.
        var lock: DirectoryLock?
        var startInProgress = false
        if record.state == .pending || record.state == .launching {
            lock = DirectoryLock.tryAcquire(folder)
            startInProgress = lock == nil
            // The starter may have finished meanwhile: read what it wrote.
            if let reread = try? Record.decode(LocalFiles.read(recordPath)) { record = reread }
        }
        defer { lock?.release() }

        let evidence = gather(record, folder: folder, startInProgress: startInProgress)
        let verdict = DetachedJob.judge(evidence)
        guard let state = DetachedJob.workState(verdict) else { return nil }
        switch verdict {
        case .notStarted, .starting:
            return DetachedObservation(record: record, state: state)
        case .running(let identity):
            // A launch killed before recording its process: the claim names it; written down for people and `cancel`.
            if let identity, record.process != identity, lock != nil || record.state == .started {
                record.process = identity
                if record.state == .launching {
                    record.state = .started
                    record.startedAt = record.startedAt ?? now()
                    logger.notice("adopted the process of a \(noun) whose start was stopped before recording it",
                                  metadata: ["job.folder": "\(folder)", "job.pid": "\(identity.pid)"])
                }
                if let bytes = try? record.encoded() { try? LocalFiles.writeAtomically(bytes, to: recordPath) }
            }
            return DetachedObservation(record: record, state: .running)
        case .ended(let ending):
            record.process?.reapIfExited()
            let finishedAt: Instant?
            let message: String?
            var exitCode: Int32?
            switch ending {
            case .exited(let code):
                finishedAt = LocalFiles.modificationTime(folder + "/" + Self.exitName)
                exitCode = code
                message = code == 0 ? nil : "exit code \(code)" + Self.logTail(folder)
            case .unreadableExit:
                finishedAt = LocalFiles.modificationTime(folder + "/" + Self.exitName)
                message = "unreadable exit file '\(folder)/\(Self.exitName)'"
            case .cancelled:
                finishedAt = LocalFiles.modificationTime(folder + "/" + Self.cancelledName)
                message = "cancelled"
            case .vanished:
                finishedAt = now()
                message = "the \(noun)'s process vanished" + Self.logTail(folder)
            case .recorded:
                return DetachedObservation(record: record, state: state, finishedAt: record.finishedAt, message: record.message)
            }
            // Copied into the record once, for people reading it.
            var updated = record
            updated.state = DetachedJob.phase(of: state)
            updated.exitCode = exitCode
            updated.finishedAt = finishedAt
            updated.message = message
            if let bytes = try? updated.encoded() { try? LocalFiles.writeAtomically(bytes, to: recordPath) }
            return DetachedObservation(record: updated, state: state, finishedAt: finishedAt, message: message)
        }
    }

    /// Looks at the process before the files, so that a job ending meanwhile is seen ended.
    private func gather(_ record: Record, folder: String, startInProgress: Bool) -> DetachedJob.Evidence {
        let claimedPID = (try? LocalFiles.read(folder + "/" + Self.claimName))
            .flatMap { Int32(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
        let claimed = LocalFiles.exists(folder + "/" + Self.claimName)
        var sighting = DetachedJob.Sighting.none
        if !record.state.isFinished {
            sighting = sight(record, folder: folder, claimedPID: claimedPID)
        }
        let exitPath = folder + "/" + Self.exitName
        var exit: DetachedJob.Exit?
        if let bytes = try? LocalFiles.read(exitPath) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            exit = Int32(text).map { .code($0) } ?? .unreadable
        }
        return DetachedJob.Evidence(phase: record.state, cancelled: LocalFiles.exists(folder + "/" + Self.cancelledName),
                                    exit: exit, claimed: claimed, process: sighting, startInProgress: startInProgress)
    }

    private func sight(_ record: Record, folder: String, claimedPID: Int32?) -> DetachedJob.Sighting {
        // The claim names the wrapper that runs the command, whichever start spawned it.
        let candidate: Int32? = claimedPID ?? record.process?.pid
        if let pid = candidate, let found = ProcessIdentity.of(pid: pid), !found.zombie,
           ProcessTable.isWrapper(pid, name: processName, folder: folder) {
            return .alive(found.identity)
        }
        if let candidate, ProcessTable.sessionHasMembers(candidate) { return .remnants(session: candidate) }
        // Spawned by a start that was killed before it recorded the process, not claimed yet.
        if record.state == .launching, claimedPID == nil,
           let found = ProcessTable.findWrapper(name: processName, folder: folder) {
            return .alive(found)
        }
        return .none
    }

    static func logTail(_ folder: String) -> String {
        guard let tail = LocalFiles.tail(folder + "/" + logName), !tail.isEmpty else { return "" }
        return "; last lines of the log:\n" + tail
    }

    // MARK: - Cancelling

    /// Marks the job cancelled and stops its process group; false when it had ended already.
    func cancel(id: String) throws -> Bool {
        let folder = folder(id)
        guard LocalFiles.isDirectory(folder) else { throw RuntimeError.notFound("\(noun) '\(id)'") }
        // Waits for a start in progress, so the process (if any) is recorded or claimed.
        let lock = try DirectoryLock.acquire(folder)
        defer { lock.release() }
        guard let record = try? Record.decode(LocalFiles.read(folder + "/" + Record.fileName)) else { return false }
        let evidence = gather(record, folder: folder, startInProgress: false)
        if case .ended = DetachedJob.judge(evidence) { return false }
        // The marker first: from here on the job is cancelled, whatever the process does.
        guard try LocalFiles.createExclusively(Array("\(now().iso8601)\n".utf8), at: folder + "/" + Self.cancelledName) else {
            return false
        }
        switch evidence.process {
        case .alive(let identity): identity.signalGroup(SIGTERM)
        case .remnants(let session): _ = kill(-session, SIGTERM)
        case .none: break
        }
        return true
    }
}
