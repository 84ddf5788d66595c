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
    /// When to look again without waiting for the interval, as the engine decided.
    public var followUp: Duration?

    public init(result: Result, message: String, followUp: Duration? = nil) {
        self.result = result
        self.message = message
        self.followUp = followUp
    }
}

/// One reconcile of the service: where is the branch → the engine's reconcile → logs and metrics. Every log
/// line carries the reconcile id and the revision.
public struct ReconcileCycle: Sendable {
    public var engine: ReconcileEngine
    public var tracker: any RevisionTracker
    public var metrics: ServeMetrics
    /// Told of the manifests each reconcile decoded (the webhook's repository, the status page's thresholds).
    public var loaded: @Sendable (DesiredState) -> Void = { _ in }

    public init(engine: ReconcileEngine, tracker: any RevisionTracker, metrics: ServeMetrics) {
        self.engine = engine
        self.tracker = tracker
        self.metrics = metrics
    }

    /// Runs one reconcile; never throws: what went wrong is the outcome, logged and counted.
    public func run(id: String, trigger: Trigger, resolved: @Sendable (String) -> Void = { _ in }) async -> CycleOutcome {
        let started = ContinuousClock.now
        let outcome = await ReconcileContext.with(id: id) {
            await attempt(id: id, trigger: trigger, resolved: resolved)
        }
        metrics.reconciled(result: outcome.result.rawValue, duration: ContinuousClock.now - started,
                           finishedAt: engine.clock())
        return outcome
    }

    private func attempt(id: String, trigger: Trigger, resolved: @Sendable (String) -> Void) async -> CycleOutcome {
        let logger = engine.reconciler.logger
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
                let report = try await engine.reconcile(ReconcileEngine.Pass(
                    revision: revision, id: id,
                    review: { review in
                        loaded(review.desired)
                        for diagnostic in review.desired.diagnostics {
                            logger.warning("manifest diagnostic", metadata: ["diagnostic": "\(diagnostic)"])
                        }
                        return true
                    },
                    progress: { event in
                        guard case .ended(let result) = event else { return }
                        logger.info("action \(result.outcome.rawValue)", metadata: [
                            "resource": "\(result.change.resource)", "action": "\(result.change.operation.rawValue)",
                            "outcome": "\(result.outcome.rawValue)", "detail": "\(result.message ?? "")",
                            "error.code": "\(result.error?.code ?? "")",
                        ])
                    }))
                metrics.actions(report.results)
                metrics.evaluations(try await engine.store.evaluations())
                for entry in report.recovered {
                    logger.notice("recovered an interrupted action", metadata: [
                        "resource": "\(entry.resource)", "action": "\(entry.operation.rawValue)",
                    ])
                }
                for condition in report.stalled where report.results.contains(where: { $0.change.resource == condition.resource }) {
                    logger.warning("resource stalled", metadata: [
                        "resource": "\(condition.resource)", "reason": "\(condition.condition.reason)",
                        "detail": "\(condition.condition.message)",
                    ])
                }
                let failed = report.results.filter { $0.outcome.isFailure }.count
                let message = report.results.isEmpty
                    ? (report.after.changes.isEmpty ? "up to date" : "\(report.after.changes.count) in progress")
                    : "\(report.results.count) action\(report.results.count == 1 ? "" : "s"), \(failed) failed"
                logger.info("reconcile finished", metadata: ["actions": "\(report.results.count)", "failed": "\(failed)",
                                                             "summary": "\(message)", "next": "\(report.next)"])
                return CycleOutcome(result: failed > 0 ? .failed : .succeeded, message: message,
                                    followUp: engine.requeueAfter(report))
            } catch is CancellationError {
                logger.notice("reconcile cancelled; the journal holds the action in flight and the next start takes it up")
                return CycleOutcome(result: .error, message: "cancelled")
            } catch {
                logger.error("reconcile failed", metadata: ["error": "\(error)"])
                return CycleOutcome(result: .error, message: "\(error)")
            }
        }
    }
}
