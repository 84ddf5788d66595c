import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// A Pipeline's checks as detached local processes: `checks/<check id>/` holds `check.json`, `log.txt`,
/// the wrapper's claim `pid`, `exit`, and `work/`, a scratch copy of the image folder with the modules
/// copy in place, where `/bin/sh -c COMMAND` runs (so a check never writes into the stored image or the
/// module copy). Starting and observing are `DetachedJobRunner`'s, as for runs. Once a check passed (and its
/// template, if any, is stored and its digest recorded in `check.json`), `work/` is removed; a failed check's is
/// kept for a post-mortem.
///
/// The command runs under `timeout`: one that takes longer is stopped and counts as a check that could not
/// run (exit 124), not as a failed one. A check that names a template and exits 0 must have written that
/// file (relative to the image context); it is stored once under
/// `storage/steward-local/templates/<check key>/` and observed with its digest.
public final class LocalCheckService: CheckService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant
    private let runner: DetachedJobRunner<CheckRecord>

    /// What `timeout` exits with when it stopped the command.
    static let timedOut: Int32 = 124

    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
        runner = DetachedJobRunner(parent: layout.checks, noun: "check", processName: "steward-check", crashName: "local-check",
                                   logger: logger, now: now)
    }

    public func start(_ request: RunCheck, source: any Source) async throws -> StartOutcome {
        guard LocalImageBuilder.isSafeName(request.checkID) else {
            throw RuntimeError(code: "invalid", message: "check id '\(request.checkID)' is not a folder name", disposition: .stalled)
        }
        let fresh = CheckRecord(state: .pending, request: request, createdAt: now())
        let outcome = try await Blocking.run { [self] in
            try runner.start(id: request.checkID, fresh: fresh, conflict: { existing in
                RuntimeError(code: "already_exists",
                             message: "check '\(request.checkID)' exists with key '\(existing.key)', not '\(request.key)'",
                             disposition: .stalled)
            }, prepare: { record in try prepare(record) })
        }
        logger.debug("started check", metadata: ["check.id": "\(request.checkID)", "pipeline": "\(request.pipeline)",
                                                 "check.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    public func observeChecks() async throws -> [ObservedCheck] {
        let runner = self.runner
        let layout = self.layout
        return try await Blocking.run {
            try runner.observeAll().map { Self.observed($0, layout: layout) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    /// The scratch folder and the command's environment; the caller holds the check folder's lock.
    private func prepare(_ record: CheckRecord) throws -> DetachedCommand {
        let request = record.request
        let image = layout.image(tree: request.imageTree)
        guard LocalFiles.isDirectory(image) else {
            throw RuntimeError(code: "not_found",
                               message: "image folder '\(image)' of check '\(request.name)' does not exist; build the image of Pipeline '\(request.pipeline)' first")
        }
        let work = layout.check(id: request.checkID) + "/" + CheckRecord.workName
        // A scratch copy from an earlier start that stopped half-way is made again whole.
        LocalFiles.removeTree(work)
        try LocalFiles.copyTree(from: image, to: work)
        var modulesDirectory = ""
        if let modules = request.modules, let source = request.modulesSource {
            let copy = layout.path(for: modules)
            guard LocalFiles.isDirectory(copy) else {
                throw RuntimeError(code: "not_found",
                                   message: "module copy '\(copy)' of check '\(request.name)' does not exist; copy the modules of Pipeline '\(request.pipeline)' first")
            }
            if let inside = request.context.relative(source), !inside.isEmpty {
                modulesDirectory = work + "/" + inside
                LocalFiles.removeTree(modulesDirectory)
                try LocalFiles.makeDirectories(LocalFiles.parent(of: modulesDirectory))
                try LocalFiles.copyTree(from: copy, to: modulesDirectory)
                // The copy's completion marker is Steward's, not the modules'.
                LocalFiles.removeTree(modulesDirectory + "/" + RecordName.moduleCopyMarker)
            } else {
                modulesDirectory = copy
            }
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("STEWARD_") || $0.key == "STEWARD_CRASH_AT" }
        environment["STEWARD_CHECK"] = request.name
        environment["STEWARD_PIPELINE"] = request.pipeline
        environment["STEWARD_IMAGE"] = request.image
        environment["STEWARD_MODULES_DIR"] = modulesDirectory
        environment["STEWARD_STORAGE_ROOT"] = layout.storage
        let seconds = max(1, Int(request.timeout.rounded(.up)))
        let command = "exec timeout -k 10 \(seconds) /bin/sh -c " + Self.shellQuoted(request.command)
        return DetachedCommand(command: command, workingDirectory: work, environment: environment)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A check as the planner sees it; a passed check's template is stored (once) where the run reads it.
    private static func observed(_ observation: DetachedObservation<CheckRecord>, layout: LocalLayout) -> ObservedCheck {
        let record = observation.record
        let request = record.request
        var state = observation.state
        var message = observation.message
        var failedByResult = false
        var template: StorageURI?
        var digest: String?
        switch state {
        case .failed:
            if let code = record.exitCode {
                failedByResult = code != timedOut
                if code == timedOut { message = "timed out after \(formatDuration(seconds: request.timeout))" + (message.map { " (\($0))" } ?? "") }
            }
        case .succeeded:
            let folder = layout.check(id: request.checkID)
            let work = folder + "/" + CheckRecord.workName
            var kept = true
            if let path = request.template, let destination = request.templateDestination {
                let name = path.value.split(separator: "/").last.map(String.init) ?? path.value
                let stored = destination.appending(name)
                // Recorded once; a look that raced the first one finds it in the record on disk.
                let recorded = record.templateDigest
                    ?? (try? CheckRecord.decode(LocalFiles.read(folder + "/" + CheckRecord.fileName)))?.templateDigest
                if let recorded {
                    template = stored
                    digest = recorded
                } else if let bytes = try? LocalFiles.read(work + "/" + path.value) {
                    let target = layout.path(for: stored)
                    if !LocalFiles.exists(target) {
                        try? LocalFiles.makeDirectories(LocalFiles.parent(of: target))
                        try? LocalFiles.writeAtomically(bytes, to: target)
                    }
                    var updated = record
                    updated.templateDigest = ContentKey.digest(of: bytes)
                    kept = LocalFiles.exists(target)
                        && (try? LocalFiles.writeAtomically(updated.encoded(), to: folder + "/" + CheckRecord.fileName)) != nil
                    template = stored
                    digest = updated.templateDigest
                } else {
                    state = .failed
                    failedByResult = true
                    kept = false
                    message = "the command exited 0 but wrote no template '\(path)' (relative to the image context)"
                }
            }
            // A passed check needs its scratch copy no more (its record and log stay): it would hold a copy of the
            // image for every commit checked.
            if kept { LocalFiles.removeTree(work) }
        default:
            break
        }
        return ObservedCheck(id: request.checkID, pipeline: request.pipeline, name: request.name, key: request.key,
                             attempt: request.attempt, state: state, exitCode: record.exitCode, message: message,
                             failedByResult: failedByResult, template: template, templateDigest: digest,
                             createdAt: record.createdAt, finishedAt: observation.finishedAt)
    }
}
