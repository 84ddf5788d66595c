import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardRuntime
import StewardServer
import Testing

/// Health, readiness, metrics and the status API on a real socket.
@Suite struct ProbeTests {
    static let revision = "9fceb02d0ae598e95dc970b74767f19372d61af8"

    @Test("healthz answers at once; readyz only once a reconcile has finished")
    func probes() async throws {
        let fixture = try ServerFixture()
        let app = Application(router: fixture.webhook().router())
        try await app.test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let early = try await client.execute(uri: "/readyz", method: .get)
            #expect(early.status == .serviceUnavailable)
            #expect(early.text.contains("no reconcile has completed yet"))
        }
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.text.hasPrefix("ready"))
        }
    }

    @Test("a reconcile that cannot run does not make the service ready; the next one that runs does")
    func notReadyWhileUnreachable() async throws {
        let fixture = try ServerFixture(unreachable: 1)
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            let failing = try await client.execute(uri: "/readyz", method: .get)
            #expect(failing.status == .serviceUnavailable)
            #expect(failing.text.contains("no reconcile has completed yet; the last one could not run: the remote did not answer"))

            fixture.inbox.submit(Trigger(.interval))
            #expect(await fixture.eventually { fixture.reconciles.count == 2 })
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }

    @Test("the metrics parse as the Prometheus exposition format and carry every steward_ metric")
    func metrics() async throws {
        let fixture = try ServerFixture()
        let app = Application(router: fixture.webhook().router())
        let change = Change(id: "build-image:k", resource: ResourceID(.pipeline, "training"), operation: .buildImage,
                            action: .create, reason: "image context changed", key: "k", detail: .wait(Wait(object: "x", since: nil)))
        fixture.metrics.reconciled(result: "succeeded", duration: .milliseconds(420), finishedAt: Instant(secondsSinceEpoch: 1_800_000_000))
        fixture.metrics.reconciled(result: "failed", duration: .seconds(3), finishedAt: Instant(secondsSinceEpoch: 1_800_000_060))
        fixture.metrics.actions([ActionResult(change: change, outcome: .succeeded), ActionResult(change: change, outcome: .succeeded)])
        fixture.metrics.fetched(duration: .milliseconds(30))
        fixture.metrics.evaluations([
            EvaluationRecord(evaluation: "drift", batch: "2026-01", model: "m1", samples: 100, correct: 70, errors: 0,
                             missing: 0, accuracy: 0.7, threshold: 0.9, passed: false, recordedAt: Instant(secondsSinceEpoch: 1)),
            EvaluationRecord(evaluation: "drift", batch: "2026-02", model: "m2", samples: 100, correct: 95, errors: 0,
                             missing: 0, accuracy: 0.95, threshold: 0.9, passed: true, recordedAt: Instant(secondsSinceEpoch: 2)),
        ])
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = try PrometheusText.parse(response.text)
            #expect(samples.allSatisfy { $0.name.hasPrefix("steward_") })
            #expect(samples.value("steward_reconciles_total", ["result": "succeeded"]) == 1)
            #expect(samples.value("steward_reconciles_total", ["result": "failed"]) == 1)
            #expect(samples.value("steward_reconcile_duration_seconds_count") == 2)
            #expect(samples.value("steward_reconcile_duration_seconds_sum").map { abs($0 - 3.42) < 0.001 } == true)
            #expect(samples.value("steward_actions_total",
                                  ["kind": "Pipeline", "operation": "build-image", "outcome": "succeeded"]) == 2)
            #expect(samples.value("steward_last_success_timestamp_seconds") == 1_800_000_000)
            #expect(samples.value("steward_git_fetch_duration_seconds_count") == 1)
            #expect(samples.value("steward_evaluation_accuracy", ["evaluation": "drift"]) == 0.95)
        }
    }

    @Test("the status API is the JSON of steward status, with the full commit of every condition")
    func statusAPI() async throws {
        let fixture = try ServerFixture()
        try await fixture.store.replaceConditions([
            ResourceCondition(resource: ResourceID(.pipeline, "training"),
                              condition: Condition(.ready, reason: "Succeeded", message: "run training-1 succeeded"),
                              revision: Self.revision, updatedAt: Instant(secondsSinceEpoch: 1_800_000_000)),
        ])
        let app = Application(router: fixture.webhook().router())
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/api/v1/status", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let object = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
            let resources = object?["resources"] as? [[String: Any]] ?? []
            #expect(resources.count == 1)
            #expect(resources.first?["resource"] as? String == "Pipeline/training")
            #expect(resources.first?["revision"] as? String == Self.revision)
            #expect((resources.first?["condition"] as? [String: Any])?["type"] as? String == "Ready")
            #expect(object?["evaluations"] as? [Any] != nil)
        }
    }
}
