import StewardCore
import StewardRuntime
import StewardServer
import Testing

/// Per-resource backoff: a failing resource waits, exponentially longer up to a cap; the others go ahead.
@Suite struct BackoffTests {
    static let now = Instant(secondsSinceEpoch: 1_800_000_000)
    static let training = ResourceID(.pipeline, "training")
    static let serving = ResourceID(.endpoint, "serving")
    static let other = ResourceID(.pipeline, "other")

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

    @Test("delays double from the base up to the cap")
    func delays() {
        let backoff = Backoff(base: 10, cap: 60, jitter: { 1 })
        #expect(backoff.delay(afterFailures: 1) == 10)
        #expect(backoff.delay(afterFailures: 2) == 20)
        #expect(backoff.delay(afterFailures: 3) == 40)
        #expect(backoff.delay(afterFailures: 4) == 60)
        #expect(backoff.delay(afterFailures: 40) == 60)
    }

    @Test("a failed resource's changes and their dependents wait; other resources go ahead")
    func holdsBack() {
        let backoff = Backoff(base: 10, cap: 60, jitter: { 1 })
        backoff.record([ActionResult(change: Self.plan.changes[0], outcome: .failed, message: "quota exceeded")], now: Self.now)
        let held = backoff.holdBack(Self.plan, now: Self.now.adding(seconds: 1))
        #expect(held.changes.map(\.action) == [.wait, .wait, .wait, .create])
        #expect(held.changes[0].reason.contains("backing off after 1 failed attempt (quota exceeded); next attempt in 9s"))
        #expect(held.changes[2].reason.contains("waits for run"))

        // Past the delay everything is due again.
        let later = backoff.holdBack(Self.plan, now: Self.now.adding(seconds: 11))
        #expect(later.changes.map(\.action) == [.create, .create, .create, .create])
    }

    @Test("repeated failures back off longer; a success clears the backoff")
    func clears() {
        let backoff = Backoff(base: 10, cap: 60, jitter: { 1 })
        let failed = ActionResult(change: Self.plan.changes[0], outcome: .failed, message: "boom")
        backoff.record([failed], now: Self.now)
        backoff.record([failed], now: Self.now.adding(seconds: 11))
        #expect(backoff.active(at: Self.now.adding(seconds: 12))[Self.training]?.failures == 2)
        #expect(backoff.active(at: Self.now.adding(seconds: 30)).isEmpty == false)
        #expect(backoff.active(at: Self.now.adding(seconds: 32)).isEmpty)
        backoff.record([ActionResult(change: Self.plan.changes[0], outcome: .succeeded)], now: Self.now.adding(seconds: 40))
        backoff.record([failed], now: Self.now.adding(seconds: 50))
        #expect(backoff.active(at: Self.now.adding(seconds: 51))[Self.training]?.failures == 1)
    }

    @Test("a resource backing off shows as Progressing/BackingOff with the error; a stalled one keeps its condition")
    func conditions() {
        let backoff = Backoff(base: 10, cap: 60, jitter: { 1 })
        backoff.record([ActionResult(change: Self.plan.changes[0], outcome: .failed, message: "quota exceeded"),
                        ActionResult(change: Self.change("x", Self.serving, .deployModel), outcome: .failed, message: "boom")],
                       now: Self.now)
        let conditions = [
            ResourceCondition(resource: Self.training, condition: Condition(.progressing, reason: "BuildDue", message: "due"),
                              revision: "abc", updatedAt: Self.now),
            ResourceCondition(resource: Self.serving, condition: Condition(.stalled, reason: "RetriesExhausted", message: "x"),
                              revision: "abc", updatedAt: Self.now),
            ResourceCondition(resource: Self.other, condition: Condition(.ready, reason: "RunSucceeded", message: "ok"),
                              revision: "abc", updatedAt: Self.now),
        ]
        let shown = backoff.annotate(conditions, now: Self.now.adding(seconds: 4))
        #expect(shown[0].condition == Condition(.progressing, reason: "BackingOff",
                                                message: "1 failed attempt: quota exceeded; next attempt in 6s"))
        #expect(shown[1] == conditions[1])
        #expect(shown[2] == conditions[2])
        #expect(backoff.annotate(conditions, now: Self.now.adding(seconds: 11)) == conditions)
    }
}
