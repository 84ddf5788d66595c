import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Pipeline runs as detached local processes: `runs/<run id>/` holds `run.json`, `log.txt`, the
/// wrapper's claim `pid` and, once the command ended, `exit` (its exit code).
///
/// A run is `local.command` run with `/bin/sh -c` in the image folder, in a session of its own, so
/// it outlives Steward. Observation reads the folder and the process table, never a process list
/// of its own: a run started by an earlier Steward is observed like any other. Starting, observing
/// and cancelling are `DetachedJobRunner`'s, shared with batch predictions; what a start killed
/// half-way left behind is judged from evidence (`DetachedJob`): a run whose process never started
/// is launched by the next `start` of the same id, one whose process started is observed, and
/// neither is counted as a failed attempt without an exit code or a vanished process.
public final class LocalPipelineService: PipelineService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    private let runner: DetachedJobRunner<RunRecord>

    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
        runner = DetachedJobRunner(parent: layout.runs, noun: "run", processName: "steward-run", crashName: "local-run",
                                   logger: logger, now: now)
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
        let fresh = RunRecord(state: .pending, request: request, createdAt: now())
        let outcome = try await Blocking.run { [self] in
            try runner.start(id: request.runID, fresh: fresh, conflict: { existing in
                RuntimeError(code: "already_exists",
                             message: "run '\(request.runID)' exists with key '\(existing.key)', not '\(request.key)'",
                             disposition: .stalled)
            }, prepare: { record in try prepare(&record, command: command) })
        }
        logger.debug("started pipeline run", metadata: ["run.id": "\(request.runID)", "pipeline": "\(request.pipeline)",
                                                        "run.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    public func observeRuns() async throws -> [ObservedRun] {
        let runner = self.runner
        let observed = try await Blocking.run {
            try runner.observeAll()
                .map { $0.record.observed(state: $0.state, finishedAt: $0.finishedAt, message: $0.message) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
        logger.debug("observed pipeline runs", metadata: ["runs": "\(observed.count)"])
        return observed
    }

    public func cancel(runID: String) async throws {
        guard LocalImageBuilder.isSafeName(runID) else { throw RuntimeError.notFound("run '\(runID)'") }
        let runner = self.runner
        let cancelled = try await Blocking.run { try runner.cancel(id: runID) }
        logger.debug("cancelled pipeline run", metadata: ["run.id": "\(runID)", "run.cancelled": "\(cancelled)"])
    }

    /// Readies the launch of a run nobody launched: its folders, and where and how the command runs.
    private func prepare(_ record: inout RunRecord, command: String) throws -> DetachedCommand {
        let request = record.request
        let folder = layout.run(id: request.runID)
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
        record.workingDirectory = workingDirectory
        record.blessingDirectory = environment.blessingDirectory
        return DetachedCommand(command: command, workingDirectory: workingDirectory,
                               environment: environment.merged(over: ProcessInfo.processInfo.environment))
    }
}
