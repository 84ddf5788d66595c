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
        let reconciler = Reconciler(source: repository, path: options.manifestsPath, logger: logger)
        var desired = try await Session.load(repository, options, logger: logger)
        Session.report(desired.diagnostics)
        let providers = try Composition.providers(global, desired: desired, logger: logger)
        let store = try Composition.store(global)

        var plan = try await reconciler.plan(desired, providers: providers, now: Terminal.now())
        if let saved {
            guard plan.0.observedDigest == saved.plan.observedDigest else {
                throw ReconcileError.stalePlan(reason: "the observed state changed since the plan was made")
            }
            plan.0 = saved.plan
        }
        Terminal.out(PlanRenderer().text(plan.0))
        if saved == nil && !yes && plan.0.hasChanges {
            guard Terminal.stdinIsTerminal else {
                throw CommandFailure("refusing to apply without --yes: standard input is not a terminal to ask on")
            }
            guard Terminal.confirm("Apply these changes?") else {
                Terminal.err("apply cancelled")
                throw ExitCode(1)
            }
        }

        let holder = LockHolder(command: "steward apply", pid: getpid(), host: ProcessInfo.processInfo.hostName,
                                since: Terminal.now())
        let lock = try await store.acquireLock(holder: holder)
        let deadline = Terminal.now().adding(seconds: timeout.seconds)
        var last: ApplyReport?
        var anyFailed = false
        do {
            while true {
                let id = ReconcileContext.newID(now: Terminal.now())
                let report = try await reconciler.apply(plan.0, desired: desired, providers: providers, store: store,
                                                        reconcileID: id, clock: Terminal.now, concurrency: concurrency,
                                                        observed: plan.1, progress: ApplyProgress.print)
                for entry in report.recovered {
                    Terminal.err("recovered: \(entry.operation.rawValue) of \(entry.resource) was interrupted; re-planned from observed state")
                }
                anyFailed = anyFailed || report.failed
                last = report
                guard wait else { break }
                if report.after.changes.isEmpty { break }
                if !report.stalled.isEmpty { break }
                if report.after.changes.allSatisfy({ $0.action == .wait }), Terminal.now() >= deadline {
                    let waiting = report.after.changes.map { "\($0.resource) \($0.operation.rawValue): \($0.reason)" }
                    Terminal.err("timed out after \(formatDuration(seconds: timeout.seconds)); still in progress:\n  " + waiting.joined(separator: "\n  "))
                    await lock.release()
                    throw ExitCode(1)
                }
                if Terminal.now() >= deadline {
                    Terminal.err("timed out after \(formatDuration(seconds: timeout.seconds)) with changes still due")
                    await lock.release()
                    throw ExitCode(1)
                }
                ApplyProgress.waiting(report.after)
                try await Task.sleep(for: .milliseconds(Int(pollInterval.seconds * 1000)))
                // Each pass reads the same revision again: a commit that lands meanwhile is for the next apply.
                desired = try await reconciler.load(revision: desired.revision)
                plan = try await reconciler.plan(desired, providers: providers, now: Terminal.now())
                ApplyProgress.finished(waited: report.after, now: plan.0)
                if plan.0.changes.contains(where: { $0.action.isChange }) { Terminal.out(PlanRenderer().text(plan.0)) }
            }
        } catch {
            await lock.release()
            throw error
        }
        await lock.release()
        try await finish(last, desired: desired, failed: anyFailed)
    }

    /// Prints the outcome and picks the exit code.
    private func finish(_ report: ApplyReport?, desired: DesiredState, failed: Bool = false) async throws {
        guard let report else { return }
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
        if desired.diagnostics.hasErrors { Terminal.err(desired.diagnostics.summary) }
        if failed || !stalled.isEmpty || desired.diagnostics.hasErrors { throw ExitCode(1) }
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
