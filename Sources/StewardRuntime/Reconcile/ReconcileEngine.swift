import Logging
import StewardCore

/// The one reconcile of Steward, for `steward apply`, `apply --wait` and `steward serve` alike:
/// load → observe → plan → hold back what is backing off or stalled → apply → observe again → record,
/// and say when to look again.
///
/// The caller holds the store's writer lock. Errors of single actions are results (a transient one backs
/// off, a terminal one stalls the resource); an error that stops the whole reconcile (the repository cannot
/// be read, no manifests, the store fails) is thrown.
public struct ReconcileEngine: Sendable {
    public var reconciler: Reconciler
    public var store: any StateStore
    /// The provider's adapters for the manifests at a commit (the Project names the provider).
    public var providers: @Sendable (DesiredState) async throws -> Providers
    public var backoff: BackoffPolicy
    /// How many actions run at once.
    public var concurrency: Int
    /// How soon to look again while work is in progress (builds, runs, batch predictions).
    public var pollInterval: Duration
    public var clock: @Sendable () -> Instant
    /// Test hook: throwing here simulates a crash at that point of an action.
    public var faults: (@Sendable (FaultPoint) throws -> Void)?

    public init(reconciler: Reconciler, store: any StateStore,
                providers: @escaping @Sendable (DesiredState) async throws -> Providers,
                backoff: BackoffPolicy = BackoffPolicy(), concurrency: Int = 4, pollInterval: Duration = .seconds(10),
                clock: @escaping @Sendable () -> Instant, faults: (@Sendable (FaultPoint) throws -> Void)? = nil) {
        self.reconciler = reconciler
        self.store = store
        self.providers = providers
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        self.pollInterval = pollInterval
        self.clock = clock
        self.faults = faults
    }

    /// One reconcile.
    public struct Pass: Sendable {
        /// A commit, or a ref to resolve (`HEAD`, a branch).
        public var revision: String
        public var id: String
        /// A person asked for this reconcile (the first pass of `steward apply`): actions held back by a
        /// backoff or a terminal error are tried once more.
        public var retryHeld: Bool
        /// Apply exactly this plan (`steward apply PLANFILE`); refused when the observed state moved since.
        public var saved: Plan?
        /// Sees the plan before anything is done; false stops the reconcile with nothing applied or recorded.
        public var review: @Sendable (Review) async throws -> Bool
        /// Told when each action begins and ends.
        public var progress: @Sendable (ApplyEvent) -> Void

        public init(revision: String, id: String, retryHeld: Bool = false, saved: Plan? = nil,
                    review: @escaping @Sendable (Review) async throws -> Bool = { _ in true },
                    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) {
            self.revision = revision
            self.id = id
            self.retryHeld = retryHeld
            self.saved = saved
            self.review = review
            self.progress = progress
        }
    }

    /// What a reconcile is about to do.
    public struct Review: Sendable {
        public var desired: DesiredState
        /// The plan to apply, held changes shown as waits.
        public var plan: Plan
        public var holds: [String: Hold]
        /// Retry requests this reconcile took up.
        public var retried: [RetryRequest]
    }

    public func reconcile(_ pass: Pass) async throws -> ReconcileReport {
        try await ReconcileContext.with(id: pass.id) {
            try await run(pass)
        }
    }

    private func run(_ pass: Pass) async throws -> ReconcileReport {
        var log = reconciler.logger
        log[metadataKey: "reconcile.id"] = "\(pass.id)"
        let recovered = try await closeInterrupted(reconcileID: pass.id, logger: log)

        let desired = try await reconciler.load(revision: pass.revision)
        log[metadataKey: "git.revision"] = "\(desired.revision)"
        return try await ReconcileContext.with(revision: desired.revision) {
            let providers = try await self.providers(desired)
            // Taken before planning: a retried Pipeline's failed check is planned to run again.
            let retried = try await store.takeRetryRequests()
            let retriedResources = Set(retried.map(\.resource))
            var (plan, observed) = try await reconciler.plan(desired, providers: providers, now: clock(), retried: retriedResources)
            if let saved = pass.saved {
                guard plan.observedDigest == saved.observedDigest else {
                    throw ReconcileError.stalePlan(reason: "the observed state changed since the plan was made")
                }
                plan = saved
            }

            var ledger = FailureLedger(try await store.actionFailures())
            var forgotten = ledger.forget(resources: retriedResources)
            if pass.retryHeld { forgotten += ledger.forget(resources: Set(ledger.failures.values.map(\.resource))) }
            if !forgotten.isEmpty { try await store.clearActionFailures(forgotten) }
            for request in retried {
                log.info("retry requested", metadata: ["resource": "\(request.resource)", "by": "\(request.requestedBy)"])
            }
            let (held, holds) = ledger.holdBack(plan, now: clock())
            guard try await pass.review(Review(desired: desired, plan: held, holds: holds, retried: retried)) else {
                return ReconcileReport(reconcileID: pass.id, desired: desired, plan: held, holds: holds, results: [],
                                       after: held, afterHolds: holds, recovered: recovered, retried: retried,
                                       applied: false, next: .idle)
            }

            try await store.beginReconcile(ReconcileRecord(id: pass.id, revision: held.revision, planDigest: held.digest,
                                                           startedAt: clock()))
            let applier = Applier(providers: providers, source: reconciler.source, store: store, clock: clock,
                                  concurrency: concurrency, logger: log, faults: faults)
            let results: [ActionResult]
            do {
                results = try await applier.apply(held, reconcileID: pass.id, progress: pass.progress)
            } catch {
                // A crash or a cancellation: the journal keeps the action in flight for the next reconcile.
                try? await store.finishReconcile(id: pass.id, outcome: .interrupted, finishedAt: clock(), summary: "\(error)")
                throw error
            }

            let recorded = ledger.record(results, now: clock(), policy: backoff)
            for failure in recorded.recorded { try await store.recordActionFailure(failure) }
            if !recorded.cleared.isEmpty { try await store.clearActionFailures(recorded.cleared) }

            var after = plan
            var seen = observed.evaluations
            if !results.isEmpty {
                let (replanned, observedAfter) = try await reconciler.plan(desired, providers: providers, now: clock())
                after = replanned
                seen += observedAfter.evaluations
            }
            // A failure of an action the plan no longer holds is over: its inputs changed, or it is done.
            let stale = ledger.forget(notIn: after)
            if !stale.isEmpty { try await store.clearActionFailures(stale) }
            var (afterHeld, afterHolds) = ledger.holdBack(after, now: clock())
            afterHeld.conditions = ledger.annotate(after.conditions, holds: afterHolds, now: clock())

            // Evaluation results live beside the predictions; the store's history is rebuilt from them (recording
            // is keep-first), so a deleted store loses no history either.
            for record in seen { try await store.recordEvaluation(record) }
            try await store.replaceConditions(afterHeld.conditions)
            let failed = results.filter { $0.outcome.isFailure }.count
            let summary = results.isEmpty
                ? "nothing to do"
                : "\(results.count) action\(results.count == 1 ? "" : "s"), \(failed) failed"
            try await store.finishReconcile(id: pass.id, outcome: failed > 0 ? .failed : .succeeded, finishedAt: clock(),
                                            summary: summary)
            let next = NextLook.after(results: results, plan: afterHeld, holds: afterHolds)
            log.debug("reconcile applied", metadata: ["actions": "\(results.count)", "failed": "\(failed)",
                                                      "next": "\(next)"])
            return ReconcileReport(reconcileID: pass.id, desired: desired, plan: held, holds: holds, results: results,
                                   after: afterHeld, afterHolds: afterHolds, recovered: recovered, retried: retried,
                                   applied: true, next: next)
        }
    }

    /// Closes what a killed or cancelled reconcile left open: its journal entries and its reconcile record.
    /// Nothing is replayed: the plan is computed from what is observable, so an action that took effect is not
    /// planned again and one that did not is.
    private func closeInterrupted(reconcileID: String, logger: Logger) async throws -> [JournalEntry] {
        let recovered = try await store.unfinishedActions()
        for entry in recovered {
            logger.notice("closing an interrupted action", metadata: [
                "resource": "\(entry.resource)", "action": "\(entry.operation.rawValue)",
            ])
            var end = entry
            end.phase = .end
            end.reconcileID = reconcileID
            end.outcome = "interrupted"
            end.detail = "re-planned by reconcile \(reconcileID) from observed state"
            end.at = clock()
            try await store.appendJournal(end)
        }
        try await store.closeInterruptedReconciles(at: clock())
        return recovered
    }

    /// How long to wait before looking again, after `report`; nil when nothing is due or in progress.
    public func requeueAfter(_ report: ReconcileReport) -> Duration? {
        switch report.next {
        case .now: .milliseconds(200)
        case .poll: pollInterval
        case .at(let instant): .milliseconds(Int64(max(0.2, instant.seconds(since: clock())) * 1000))
        case .idle: nil
        }
    }
}

/// When a reconcile should be followed by another.
public enum NextLook: Sendable, Hashable, CustomStringConvertible {
    /// Changes became due because others went ahead: look again at once.
    case now
    /// Work is in progress (or due without progress): look again after the poll interval.
    case poll
    /// Only backoffs hold changes back: look again when the first ends.
    case at(Instant)
    /// Nothing is due or in progress; what is left (if anything) is stalled and waits for a person.
    case idle

    /// Decides from the plan after the actions: the one place that does.
    static func after(results: [ActionResult], plan: Plan, holds: [String: Hold]) -> NextLook {
        let progressed = results.contains { $0.outcome == .succeeded || $0.outcome == .adopted || $0.outcome == .started }
        if plan.changes.contains(where: { $0.action.isChange }) { return progressed ? .now : .poll }
        if plan.changes.contains(where: { $0.action == .wait && holds[$0.id] == nil }) { return .poll }
        if let next = FailureLedger.nextAttempt(holds) { return .at(next) }
        return .idle
    }

    public var description: String {
        switch self {
        case .now: "now"
        case .poll: "poll"
        case .at(let instant): "at \(instant.rfc3339)"
        case .idle: "idle"
        }
    }
}

/// What one reconcile did.
public struct ReconcileReport: Sendable {
    public var reconcileID: String
    public var desired: DesiredState
    /// The plan that was applied, held changes shown as waits.
    public var plan: Plan
    public var holds: [String: Hold]
    public var results: [ActionResult]
    /// The plan as observed after the actions (held changes as waits): its conditions, with the failures
    /// shown, are what was recorded; its changes are what remains.
    public var after: Plan
    public var afterHolds: [String: Hold]
    /// Actions an earlier, interrupted reconcile had begun and not ended.
    public var recovered: [JournalEntry]
    /// Retry requests this reconcile took up.
    public var retried: [RetryRequest]
    /// Whether the plan was applied (false when the review declined it).
    public var applied: Bool
    public var next: NextLook

    /// Whether any action failed, transiently or terminally.
    public var failed: Bool { results.contains { $0.outcome.isFailure } }
    /// Resources that need a person after this reconcile.
    public var stalled: [ResourceCondition] { after.conditions.filter { $0.condition.type == .stalled } }
}
