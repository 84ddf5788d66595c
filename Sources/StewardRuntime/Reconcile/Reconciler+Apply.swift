import Logging
import StewardCore

/// What one applying reconcile did.
public struct ApplyReport: Sendable {
    public var reconcileID: String
    /// The plan that was applied.
    public var plan: Plan
    public var results: [ActionResult]
    /// The plan as observed after the actions: its conditions are recorded, its changes are what remains.
    public var after: Plan
    /// Actions an earlier, interrupted apply had begun and not ended.
    public var recovered: [JournalEntry]

    /// Whether any action failed.
    public var failed: Bool { results.contains { $0.outcome == .failed } }
    /// Resources that need a person after this reconcile.
    public var stalled: [ResourceCondition] { after.conditions.filter { $0.condition.type == .stalled } }
}

extension Reconciler {
    /// One applying reconcile: recover the journal, apply the plan, observe again, record conditions and history.
    ///
    /// The caller holds the store's writer lock.
    public func apply(_ plan: Plan, desired: DesiredState, providers: Providers, store: any StateStore,
                      reconcileID: String, clock: @escaping @Sendable () -> Instant, concurrency: Int = 4,
                      observed: ObservedState? = nil,
                      faults: (@Sendable (FaultPoint) throws -> Void)? = nil,
                      progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> ApplyReport {
        var log = logger
        log[metadataKey: "reconcile.id"] = "\(reconcileID)"
        log[metadataKey: "git.revision"] = "\(plan.revision)"

        // An interrupted apply left these open. Nothing is replayed from the journal: the plan was computed
        // from what is observable, so an action that took effect is not planned again and one that did not is.
        let recovered = try await store.unfinishedActions()
        for entry in recovered {
            log.debug("closing interrupted action", metadata: ["action": "\(entry.actionID)"])
            var end = entry
            end.phase = .end
            end.reconcileID = reconcileID
            end.outcome = "interrupted"
            end.detail = "re-planned by reconcile \(reconcileID) from observed state"
            end.at = clock()
            try await store.appendJournal(end)
        }

        try await store.beginReconcile(ReconcileRecord(id: reconcileID, revision: plan.revision, planDigest: plan.digest,
                                                       startedAt: clock()))
        let applier = Applier(providers: providers, source: source, store: store, clock: clock,
                              concurrency: concurrency, logger: log, faults: faults)
        let results: [ActionResult]
        do {
            results = try await applier.apply(plan, reconcileID: reconcileID, progress: progress)
        } catch {
            try? await store.finishReconcile(id: reconcileID, outcome: .interrupted, finishedAt: clock(),
                                             summary: "\(error)")
            throw error
        }

        let after: Plan
        var seen = observed?.evaluations ?? []
        if results.isEmpty {
            after = plan
        } else {
            let (replanned, observedAfter) = try await self.plan(desired, providers: providers, now: clock())
            after = replanned
            seen += observedAfter.evaluations
        }
        // Evaluation results live beside the predictions; the store's history is rebuilt from them
        // (recording is keep-first), so a deleted store loses no history either.
        for record in seen { try await store.recordEvaluation(record) }
        try await store.replaceConditions(after.conditions)
        let failed = results.filter { $0.outcome == .failed }.count
        let summary = results.isEmpty
            ? "nothing to do"
            : "\(results.count) action\(results.count == 1 ? "" : "s"), \(failed) failed"
        try await store.finishReconcile(id: reconcileID, outcome: failed > 0 ? .failed : .succeeded,
                                        finishedAt: clock(), summary: summary)
        log.debug("reconcile applied", metadata: ["actions": "\(results.count)", "failed": "\(failed)"])
        return ApplyReport(reconcileID: reconcileID, plan: plan, results: results, after: after, recovered: recovered)
    }
}
