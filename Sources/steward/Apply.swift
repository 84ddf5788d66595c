import ArgumentParser
import Foundation
import Logging
import StewardCore
import StewardRuntime
import StewardStore

/// `steward apply`: carry out the plan.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Carry out the plan: build, copy, start runs, prepare spans.",
        discussion: """
        Exit codes: 0 success; 1 error, invalid manifests, a failed action, or a Stalled resource after apply.
        """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Apply without asking.")
    var yes = false

    @Flag(help: "Reconcile every --poll-interval until nothing is due or in progress.")
    var wait = false

    @Option(help: "With --wait: give up after this long (e.g. 30m).")
    var timeout: DurationArgument = DurationArgument(seconds: 1800)

    @Option(help: "With --wait: how often to look again (e.g. 5s).")
    var pollInterval: DurationArgument = DurationArgument(seconds: 5)

    @Option(help: "How many actions run at once.")
    var concurrency: Int = 4

    @Argument(help: "A plan saved by 'steward plan --out FILE': apply exactly it.")
    var planFile: String?

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if pollInterval.seconds <= 0 { throw ValidationError("--poll-interval must be positive, e.g. 5s") }
    }

    func run() async throws {
        let logger = global.makeLogger()
        do {
            try await applyAll(logger: logger)
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func applyAll(logger: Logger) async throws {
        let saved = try planFile.map(PlanFile.read)
        let repository = try await Composition.source(source, logger: logger)
        var options = source
        if let saved {
            options.revision = saved.plan.revision
            options.path = saved.path
        }
        await Session.noteUncommitted(repository, options)
        let store = try Composition.store(global)
        let engine = Composition.engine(repository, path: options.manifestsPath, store: store, global: global,
                                        concurrency: concurrency, pollInterval: pollInterval.seconds, logger: logger)
        let holder = LockHolder(command: "steward apply", pid: getpid(), host: ProcessInfo.processInfo.hostName,
                                since: Terminal.now())
        let lock = try await store.acquireLock(holder: holder)
        let report: ReconcileReport
        do {
            report = try await reconcile(engine, revision: options.revision, saved: saved?.plan)
        } catch {
            await lock.release()
            throw error
        }
        await lock.release()
        try finish(report)
    }

    /// One reconcile, or with `--wait` one after another for as long as the engine says to look again.
    private func reconcile(_ engine: ReconcileEngine, revision: String, saved: Plan?) async throws -> ReconcileReport {
        let deadline = Terminal.now().adding(seconds: timeout.seconds)
        let ask = saved == nil && !yes
        var revision = revision
        var previous: ReconcileReport?
        while true {
            let waited = previous?.after
            let first = previous == nil
            // The first pass is what a person asked for: actions held back are tried once more. Later passes hold
            // back, as `steward serve` does, what is backing off or stalled.
            let report = try await engine.reconcile(ReconcileEngine.Pass(
                revision: revision, id: ReconcileContext.newID(now: Terminal.now()), retryHeld: first,
                saved: first ? saved : nil,
                review: { review in
                    guard let waited else {
                        Session.report(review.desired.diagnostics)
                        Terminal.out(PlanRenderer().text(review.plan))
                        return try Self.approve(review.plan, ask: ask)
                    }
                    ApplyProgress.finished(waited: waited, now: review.plan)
                    if review.plan.hasChanges { Terminal.out(PlanRenderer().text(review.plan)) }
                    return true
                },
                progress: ApplyProgress.print))
            guard report.applied else { throw ExitCode(1) }
            for entry in report.recovered {
                Terminal.err("recovered: \(entry.operation.rawValue) of \(entry.resource) was interrupted; re-planned from observed state")
            }
            for request in report.retried {
                Terminal.err("retrying \(request.resource), as \(request.requestedBy) asked")
            }
            previous = report
            // Each pass reads the same commit: a commit that lands meanwhile is for the next apply.
            revision = report.desired.revision
            guard wait, let delay = engine.requeueAfter(report) else { return report }
            let now = Terminal.now()
            if now >= deadline {
                let waiting = report.after.changes.map { "\($0.resource) \($0.operation.rawValue): \($0.reason)" }
                Terminal.err("timed out after \(formatDuration(seconds: timeout.seconds)); still in progress or due:\n  "
                    + waiting.joined(separator: "\n  "))
                throw ExitCode(1)
            }
            ApplyProgress.waiting(report.after)
            let seconds = min(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18,
                              deadline.seconds(since: now))
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
        }
    }

    /// Asks on the terminal before changes are made, unless `--yes` (or a saved plan) says to go ahead.
    private static func approve(_ plan: Plan, ask: Bool) throws -> Bool {
        guard ask, plan.hasChanges else { return true }
        guard Terminal.stdinIsTerminal else {
            throw CommandFailure("refusing to apply without --yes: standard input is not a terminal to ask on")
        }
        guard Terminal.confirm("Apply these changes?") else {
            Terminal.err("apply cancelled")
            return false
        }
        return true
    }

    /// Prints the outcome and picks the exit code: 1 when an action of the last reconcile failed, a resource is
    /// stalled (each is named with why), or a manifest is invalid.
    private func finish(_ report: ReconcileReport) throws {
        let stalled = report.stalled
        for condition in stalled {
            Terminal.err("stalled: \(condition.resource): \(condition.condition.message)")
        }
        let remaining = report.after.changes
        let at = report.after.revision.prefix(7)
        if !report.results.isEmpty {
            if remaining.isEmpty {
                Terminal.out("Apply complete at \(at): everything is up to date.\n")
            } else {
                let names = remaining.map { "\($0.resource) \($0.operation.rawValue)" }.joined(separator: ", ")
                Terminal.out("Apply done at \(at); still in progress or due: \(names)\n")
            }
        }
        let diagnostics = report.desired.diagnostics
        if diagnostics.hasErrors { Terminal.err(diagnostics.summary) }
        // With --wait a transient failure that a later pass got past is no failure of the apply.
        let failed = wait ? report.failed || !report.afterHolds.isEmpty : report.failed
        if failed || !stalled.isEmpty || diagnostics.hasErrors { throw ExitCode(1) }
    }
}

/// One output line per action, and progress while waiting on a terminal.
enum ApplyProgress {
    @Sendable static func print(_ event: ApplyEvent) {
        switch event {
        case .began(let change):
            if Terminal.stderrIsTerminal { Terminal.err("  … \(change.operation.rawValue) \(change.resource)") }
        case .ended(let result):
            let message = result.message.map { ": \($0)" } ?? ""
            let seconds = result.seconds >= 0.1 ? String(format: " (%.1fs)", result.seconds) : ""
            Terminal.out("\(result.change.operation.rawValue) \(result.change.resource) \(result.outcome.rawValue)\(message)\(seconds)\n")
        }
    }

    /// Work that was awaited and is no longer: one line each, with the resource's condition now.
    static func finished(waited before: Plan, now after: Plan) {
        for change in before.changes where change.action == .wait && !after.changes.contains(where: { $0.id == change.id }) {
            guard let condition = after.conditions.first(where: { $0.resource == change.resource })?.condition else { continue }
            Terminal.out("\(change.operation.rawValue) \(change.resource) finished: \(condition.message)\n")
        }
    }

    static func waiting(_ plan: Plan) {
        let waits = plan.changes.filter { $0.action == .wait }
        guard !waits.isEmpty else { return }
        Terminal.err("waiting: " + waits.map { "\($0.resource) \($0.reason)" }.joined(separator: "; "))
    }
}
