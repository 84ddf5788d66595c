import StewardCore
import StewardRuntime
import Testing

/// Held actions: a transient failure backs off, exponentially longer up to a cap; a terminal one stalls its
/// resource until its inputs change or a person asks; the others go ahead.
@Suite struct FailureLedgerTests {
    static let now = Instant(secondsSinceEpoch: 1_800_000_000)
    static let training = ResourceID(.pipeline, "training")
    static let serving = ResourceID(.endpoint, "serving")
    static let other = ResourceID(.pipeline, "other")
    static let policy = BackoffPolicy(base: 10, cap: 60, jitter: { 1 })

    static func change(_ id: String, _ resource: ResourceID, _ operation: Operation, dependsOn: [String] = []) -> Change {
        Change(id: id, resource: resource, operation: operation, action: .create, reason: "due", key: id,
               dependsOn: dependsOn, detail: .wait(Wait(object: "x", since: nil)))
    }

    static let plan = Plan(revision: "abc", changes: [
        change("build", training, .buildImage),
        change("run", training, .runPipeline, dependsOn: ["build"]),
        change("deploy", serving, .deployModel, dependsOn: ["run"]),
        change("other-run", other, .runPipeline),
    ], conditions: [], diagnostics: [], observedDigest: "d")

    static let quota = RuntimeError(code: "resource_exhausted", message: "quota exceeded")
    static let denied = RuntimeError(code: "permission_denied", message: "Permission 'aiplatform.pipelineJobs.create' denied",
                                     disposition: .stalled)

    @Test("delays double from the base up to the cap, and never undercut a wait the server asked for")
    func delays() {
        #expect(Self.policy.delay(afterFailures: 1) == 10)
        #expect(Self.policy.delay(afterFailures: 2) == 20)
        #expect(Self.policy.delay(afterFailures: 3) == 40)
        #expect(Self.policy.delay(afterFailures: 4) == 60)
        #expect(Self.policy.delay(afterFailures: 40) == 60)
        #expect(Self.policy.delay(afterFailures: 1, serverAsked: 90) == 90)
    }

    @Test("a transient failure holds its change and its dependents until the backoff ends; others go ahead")
    func holdsBack() {
        var ledger = FailureLedger()
        let recorded = ledger.record([ActionResult(change: Self.plan.changes[0], failure: Self.quota)], now: Self.now,
                                     policy: Self.policy)
        #expect(recorded.recorded.map(\.attempts) == [1])
        #expect(recorded.recorded.first?.nextAttemptAt == Self.now.adding(seconds: 10))
        let (held, holds) = ledger.holdBack(Self.plan, now: Self.now.adding(seconds: 1))
        #expect(held.changes.map(\.action) == [.wait, .wait, .wait, .create])
        #expect(held.changes[0].reason.contains("backing off after 1 failed attempt (quota exceeded); next attempt in 9s"))
        #expect(held.changes[2].reason.contains("waits for run"))
        #expect(FailureLedger.nextAttempt(holds) == Self.now.adding(seconds: 10))

        let later = ledger.holdBack(Self.plan, now: Self.now.adding(seconds: 11))
        #expect(later.plan.changes.map(\.action) == [.create, .create, .create, .create])
    }

    @Test("a terminal failure holds for good: no next attempt, whatever the time")
    func terminalHolds() {
        var ledger = FailureLedger()
        ledger.record([ActionResult(change: Self.plan.changes[1], failure: Self.denied)], now: Self.now, policy: Self.policy)
        let (held, holds) = ledger.holdBack(Self.plan, now: Self.now.adding(seconds: 86_400 * 30))
        #expect(held.changes.map(\.action) == [.create, .wait, .wait, .create])
        #expect(held.changes[1].reason.contains("stalled: run-pipeline failed (permission_denied)"))
        #expect(holds["run"]?.isTerminal == true)
        #expect(FailureLedger.nextAttempt(holds) == nil)
    }

    @Test("repeated failures count up and back off longer; a success forgets them")
    func clears() {
        var ledger = FailureLedger()
        let failed = ActionResult(change: Self.plan.changes[0], failure: Self.quota)
        ledger.record([failed], now: Self.now, policy: Self.policy)
        let second = ledger.record([failed], now: Self.now.adding(seconds: 11), policy: Self.policy)
        #expect(second.recorded.first?.attempts == 2)
        #expect(second.recorded.first?.firstFailedAt == Self.now)
        #expect(second.recorded.first?.nextAttemptAt == Self.now.adding(seconds: 31))
        let success = ledger.record([ActionResult(change: Self.plan.changes[0], outcome: .succeeded)],
                                    now: Self.now.adding(seconds: 40), policy: Self.policy)
        #expect(success.cleared == ["build"])
        #expect(ledger.failures.isEmpty)
    }

    @Test("a failure of a change the plan no longer has (new inputs, new key) is forgotten; so is one a person retries")
    func forgets() {
        var ledger = FailureLedger()
        ledger.record([ActionResult(change: Self.plan.changes[1], failure: Self.denied),
                       ActionResult(change: Self.plan.changes[2], failure: Self.quota)], now: Self.now, policy: Self.policy)
        var changed = Self.plan
        changed.changes[1] = Self.change("run-with-new-key", Self.training, .runPipeline, dependsOn: ["build"])
        #expect(ledger.forget(notIn: changed) == ["run"])
        #expect(ledger.forget(resources: [Self.serving]) == ["deploy"])
        #expect(ledger.failures.isEmpty)
    }

    @Test("conditions show the hold: Stalled with the error's code for a terminal one, BackingOff for a transient one")
    func conditions() {
        var ledger = FailureLedger()
        ledger.record([ActionResult(change: Self.plan.changes[0], failure: Self.quota),
                       ActionResult(change: Self.plan.changes[3], failure: Self.denied)], now: Self.now, policy: Self.policy)
        let conditions = [
            ResourceCondition(resource: Self.training, condition: Condition(.progressing, reason: "BuildDue", message: "due"),
                              revision: "abc", updatedAt: Self.now),
            ResourceCondition(resource: Self.serving, condition: Condition(.stalled, reason: "RetriesExhausted", message: "x"),
                              revision: "abc", updatedAt: Self.now),
            ResourceCondition(resource: Self.other, condition: Condition(.progressing, reason: "RunDue", message: "due"),
                              revision: "abc", updatedAt: Self.now),
        ]
        let (_, holds) = ledger.holdBack(Self.plan, now: Self.now.adding(seconds: 4))
        let shown = ledger.annotate(conditions, holds: holds, now: Self.now.adding(seconds: 4))
        #expect(shown[0].condition == Condition(.progressing, reason: "BackingOff",
                                                message: "1 failed attempt: quota exceeded; next attempt in 6s",
                                                code: "resource_exhausted"))
        #expect(shown[1] == conditions[1])
        #expect(shown[2].condition.type == .stalled)
        #expect(shown[2].condition.reason == "PermissionDenied")
        #expect(shown[2].condition.code == "permission_denied")
        #expect(shown[2].condition.message.contains("Permission 'aiplatform.pipelineJobs.create' denied"))
        #expect(shown[2].condition.message.contains("steward retry Pipeline/other"))
    }
}
