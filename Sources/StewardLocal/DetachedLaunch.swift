import Foundation
import Glibc
import StewardCore
import StewardRuntime

/// What a detached command's record holds about its launch: runs and batch jobs alike.
protocol DetachedLaunchRecord {
    var state: RunRecord.Phase { get set }
    var startedAt: Instant? { get set }
    var finishedAt: Instant? { get set }
    var message: String? { get set }
    var process: ProcessIdentity? { get set }
    func encoded() throws -> [UInt8]
}

enum DetachedLaunch {
    /// Launches `command` through the shell wrapper, detached, and records the process; the record is already
    /// `launching` on disk. A launch that cannot be recorded is killed, so nothing runs unrecorded.
    static func launch<Record: DetachedLaunchRecord>(
        _ record: inout Record, command: String, name: String, folder: String, workingDirectory: String,
        environment: [String: String], recordPath: String, now: () -> Instant
    ) throws {
        let pid: Int32
        do {
            pid = try ProcessLauncher.spawnShell(script: LocalPipelineService.wrapper, name: name,
                                                 arguments: [folder, workingDirectory, command],
                                                 environment: environment, logPath: folder + "/" + RunRecord.logName)
        } catch let error as RuntimeError {
            record.state = .failed
            record.finishedAt = now()
            record.message = "could not start the command: \(error.message)"
            try? LocalFiles.writeAtomically(record.encoded(), to: recordPath)
            throw error
        }
        // Our child until it exits, so /proc/<pid> exists (as a zombie at worst) until it is reaped.
        record.process = ProcessIdentity.of(pid: pid)?.identity
        record.state = .started
        record.startedAt = now()
        do {
            try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
        } catch {
            // Unrecorded, it would be observed as vanished and started again.
            _ = kill(-pid, SIGKILL)
            throw error
        }
    }
}

extension RunRecord: DetachedLaunchRecord {}
extension BatchJobRecord: DetachedLaunchRecord {}
