import Logging
import StewardCore
import StewardRuntime

/// How one reconcile of the service ended.
public struct CycleOutcome: Sendable {
    public enum Result: String, Sendable {
        /// Applied with no failed action.
        case succeeded
        /// An action failed (the others went ahead).
        case failed
        /// The reconcile could not run: the repository, the manifests folder or the store failed.
        case error
    }

    public var result: Result
    public var message: String
    /// When to look again without waiting for the interval: changes became due, work is in progress, or a
    /// backoff ends.
    public var followUp: Duration?

    public init(result: Result, message: String, followUp: Duration? = nil) {
        self.result = result
        self.message = message
        self.followUp = followUp
    }
}

/// One reconcile of the service: where is the branch → decode → observe → plan → hold back resources that are
/// backing off → apply → record conditions, history and metrics. Every log line carries the reconcile id and
/// the revision.
public struct ReconcileCycle: Sendable {
    public var reconciler: Reconciler
    public var tracker: any RevisionTracker
    /// The provider's adapters for the manifests at a commit (the Project names the provider).
    public var providers: @Sendable (DesiredState) async throws -> Providers
    public var store: any StateStore
    public var metrics: ServeMetrics
    public var backoff: Backoff
    public var concurrency: Int
    /// How often work in progress is looked at between interval ticks.
    public var pollInterval: Duration
    public var clock: @Sendable () -> Instant
    /// Told of the manifests each reconcile decoded (the webhook's repository, the status page's thresholds).
    public var loaded: @Sendable (DesiredState) -> Void = { _ in }

    public init(reconciler: Reconciler, tracker: any RevisionTracker,
                providers: @escaping @Sendable (DesiredState) async throws -> Providers, store: any StateStore,
                metrics: ServeMetrics, backoff: Backoff = Backoff(), concurrency: Int = 4,
                pollInterval: Duration = .seconds(10), clock: @escaping @Sendable () -> Instant) {
        self.reconciler = reconciler
        self.tracker = tracker
        self.providers = providers
        self.store = store
        self.metrics = metrics
        self.backoff = backoff
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.clock = clock
    }

    /// Runs one reconcile; never throws: what went wrong is the outcome, logged and counted.
    public func run(id: String, trigger: Trigger, resolved: @Sendable (String) -> Void = { _ in }) async -> CycleOutcome {
        let started = ContinuousClock.now
        let outcome = await ReconcileContext.with(id: id) {
            await attempt(id: id, trigger: trigger, resolved: resolved)
        }
        metrics.reconciled(result: outcome.result.rawValue, duration: ContinuousClock.now - started, finishedAt: clock())
        return outcome
    }

    private func attempt(id: String, trigger: Trigger, resolved: @Sendable (String) -> Void) async -> CycleOutcome {
        let logger = reconciler.logger
        let revision: String
        do {
            revision = try await tracker.current(fetched: { metrics.fetched(duration: $0) })
        } catch {
            logger.error("cannot read the watched branch", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
            return CycleOutcome(result: .error, message: "\(error)")
        }
        resolved(revision)
        return await ReconcileContext.with(revision: revision) {
            do {
                logger.info("reconcile started", metadata: ["trigger": "\(trigger)"])
                let desired = try await reconciler.load(revision: revision)
                loaded(desired)
                for diagnostic in desired.diagnostics {
                    logger.warning("manifest diagnostic", metadata: ["diagnostic": "\(diagnostic)"])
                }
                let providers = try await self.providers(desired)
                let (plan, observed) = try await reconciler.plan(desired, providers: providers, now: clock())
                let held = backoff.holdBack(plan, now: clock())
                let report = try await reconciler.apply(held, desired: desired, providers: providers, store: store,
                                                        reconcileID: id, clock: clock, concurrency: concurrency,
                                                        observed: observed, progress: { event in
                    if case .ended(let result) = event {
                        logger.info("action \(result.outcome.rawValue)", metadata: [
                            "resource": "\(result.change.resource)", "action": "\(result.change.operation.rawValue)",
                            "outcome": "\(result.outcome.rawValue)", "detail": "\(result.message ?? "")",
                        ])
                    }
                })
                backoff.record(report.results, now: clock())
                let shown = backoff.annotate(report.after.conditions, now: clock())
                if shown != report.after.conditions { try await store.replaceConditions(shown) }
                metrics.actions(report.results)
                metrics.evaluations(try await store.evaluations())
                for entry in report.recovered {
                    logger.notice("recovered an interrupted action", metadata: [
                        "resource": "\(entry.resource)", "action": "\(entry.operation.rawValue)",
                    ])
                }
                let failed = report.results.filter { $0.outcome == .failed }.count
                let message = report.results.isEmpty
                    ? (report.after.changes.isEmpty ? "up to date" : "\(report.after.changes.count) in progress")
                    : "\(report.results.count) action\(report.results.count == 1 ? "" : "s"), \(failed) failed"
                logger.info("reconcile finished", metadata: ["actions": "\(report.results.count)", "failed": "\(failed)",
                                                             "summary": "\(message)"])
                return CycleOutcome(result: failed > 0 ? .failed : .succeeded, message: message, followUp: followUp(after: report))
            } catch is CancellationError {
                logger.notice("reconcile cancelled; the journal holds the action in flight and the next start takes it up")
                return CycleOutcome(result: .error, message: "cancelled")
            } catch {
                logger.error("reconcile failed", metadata: ["error": "\(error)"])
                return CycleOutcome(result: .error, message: "\(error)")
            }
        }
    }

    /// Changes the apply made due → at once; work in progress or changes that did not move → after
    /// `pollInterval`; only resources backing off → when the first backoff ends.
    private func followUp(after report: ApplyReport) -> Duration? {
        let now = clock()
        let remaining = backoff.holdBack(report.after, now: now).changes
        let progressed = report.results.contains { $0.outcome == .succeeded || $0.outcome == .adopted || $0.outcome == .started }
        if progressed, remaining.contains(where: { $0.action.isChange }) { return .milliseconds(200) }
        if !remaining.isEmpty, remaining.contains(where: { $0.action.isChange || $0.action == .wait }) { return pollInterval }
        if let next = backoff.active(at: now).values.map(\.until).min() {
            return .milliseconds(Int64(max(0.2, next.seconds(since: now)) * 1000))
        }
        return nil
    }
}
