import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import StewardServer
import Synchronization
import Testing

/// `POST /hooks/github` on a real socket: signatures, sizes, repeats, branches and bursts.
@Suite struct WebhookTests {
    static let commit = "1111111111111111111111111111111111111111"

    @Test("a signed push to the watched branch triggers one reconcile")
    func signedPush() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })  // the startup reconcile
            fixture.head = Self.commit
            let body = ServerFixture.push(after: Self.commit)
            let response = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(body),
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .accepted)
            #expect(response.text.contains("reconciling 1111111"))
            #expect(await fixture.eventually { fixture.reconciles.count == 2 })
            #expect(fixture.reconciles.last?.commit == Self.commit)
        }
    }

    @Test("unsigned and wrongly signed deliveries are refused with 401 and trigger nothing")
    func badSignatures() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            fixture.head = Self.commit
            let body = ServerFixture.push(after: Self.commit)
            let unsigned = try await client.execute(
                uri: "/hooks/github", method: .post,
                headers: ServerFixture.headers(event: "push", delivery: "a", signature: nil), body: ByteBuffer(bytes: body))
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.text.contains("missing X-Hub-Signature-256"))

            let otherSecret = WebhookSignature.sign(body: body, secret: Array("another secret".utf8))
            let wrong = try await client.execute(
                uri: "/hooks/github", method: .post,
                headers: ServerFixture.headers(event: "push", delivery: "b", signature: otherSecret), body: ByteBuffer(bytes: body))
            #expect(wrong.status == .unauthorized)

            // Signed for one body, sent with another: the signature covers the raw bytes.
            var tampered = body
            tampered[tampered.count - 2] = UInt8(ascii: " ")
            let altered = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(body),
                                                   body: ByteBuffer(bytes: tampered))
            #expect(altered.status == .unauthorized)

            let garbage = try await client.execute(
                uri: "/hooks/github", method: .post,
                headers: ServerFixture.headers(event: "push", delivery: "c", signature: "sha256=zz"), body: ByteBuffer(bytes: body))
            #expect(garbage.status == .unauthorized)

            try await Task.sleep(for: .milliseconds(300))
            #expect(fixture.reconciles.count == 1)

            let metrics = try PrometheusText.parse(try await client.execute(uri: "/metrics", method: .get).text)
            #expect(metrics.value("steward_webhook_rejected_total", ["reason": "missing_signature"]) == 1)
            #expect(metrics.value("steward_webhook_rejected_total", ["reason": "bad_signature"]) == 3)
            #expect(metrics.value("steward_webhook_rejected_total", ["reason": "bad_payload"]) == 0)
        }
    }

    @Test("a flood of forged deliveries logs the first, then one count per window, and counts each in the metric")
    func floodIsSummarised() async throws {
        final class Lines: LogHandler, @unchecked Sendable {
            let lines = Mutex<[String]>([])
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .info
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) { lines.withLock { $0.append("\(event.message)") } }
        }
        let lines = Lines()
        let counted = Mutex<[String: Int]>([:])
        let receiver = WebhookReceiver(secret: Array("s3cret".utf8), watchedRef: "refs/heads/main", repository: { nil },
                                       inbox: TriggerInbox(), logger: Logger(label: "test") { _ in lines },
                                       rejectionWindow: .milliseconds(300),
                                       rejected: { reason in counted.withLock { $0[reason, default: 0] += 1 } })
        let body = ServerFixture.push(after: Self.commit)
        let forged = WebhookSignature.sign(body: body, secret: Array("not the secret".utf8))
        for _ in 0..<503 {
            let answer = await receiver.receive(body: body) { $0 == WebhookSignature.headerName ? forged : nil }
            #expect(answer.status == 401)
        }
        #expect(counted.withLock { $0 } == ["bad_signature": 503])
        #expect(lines.lines.withLock { $0 } == ["webhook delivery refused: signature does not match the webhook secret"])
        // The summary comes from a task that sleeps out the window; a loaded test run may resume it late.
        let deadline = ContinuousClock.now + .seconds(60)
        while lines.lines.withLock({ $0.count }) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(lines.lines.withLock { $0.count } == 2)
        let summary = lines.lines.withLock { $0.last } ?? ""
        #expect(summary.contains("502 more webhook deliveries refused (bad_signature)"), "\(summary)")
    }

    @Test("a signature is checked before the event is even read: an unsigned ping gets 401")
    func signatureFirst() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let body = Array(#"{"zen":"Keep it logically awesome."}"#.utf8)
            let unsigned = try await client.execute(
                uri: "/hooks/github", method: .post,
                headers: ServerFixture.headers(event: "ping", delivery: "p1", signature: nil), body: ByteBuffer(bytes: body))
            #expect(unsigned.status == .unauthorized)
            let signed = try await client.execute(uri: "/hooks/github", method: .post,
                                                  headers: ServerFixture.signed(body, event: "ping", delivery: "p2"),
                                                  body: ByteBuffer(bytes: body))
            #expect(signed.status == .ok)
            #expect(signed.text == "pong\n")
        }
    }

    @Test("a delivery over the size limit gets 413")
    func oversized() async throws {
        let fixture = try ServerFixture()
        try await fixture.run(maximumBodyBytes: 1024) { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            let padding = String(repeating: "x", count: 4096)
            let body = Array(#"{"ref":"refs/heads/main","after":"\#(Self.commit)","padding":"\#(padding)"}"#.utf8)
            let response = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(body),
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .contentTooLarge)
            try await Task.sleep(for: .milliseconds(300))
            #expect(fixture.reconciles.count == 1)
        }
    }

    @Test("a repeated delivery id is acknowledged once and reconciled once")
    func repeated() async throws {
        let fixture = try ServerFixture(reconcileDelay: .milliseconds(10))
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            fixture.head = Self.commit
            let body = ServerFixture.push(after: Self.commit)
            let headers = ServerFixture.signed(body, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            let first = try await client.execute(uri: "/hooks/github", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(first.status == .accepted)
            #expect(await fixture.eventually { fixture.reconciles.count == 2 })
            // The branch moves on; a redelivery of the old delivery must still not reconcile again.
            fixture.head = "2222222222222222222222222222222222222222"
            let again = try await client.execute(uri: "/hooks/github", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(again.status == .ok)
            #expect(again.text.contains("already received"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(fixture.reconciles.count == 2)
        }
    }

    @Test("pushes to another branch, other repositories, deleted branches and other events are acknowledged and ignored")
    func ignored() async throws {
        let fixture = try ServerFixture(repository: "acme/ml")
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            fixture.head = Self.commit
            let otherBranch = ServerFixture.push(ref: "refs/heads/feature", after: Self.commit)
            let branch = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(otherBranch),
                                                  body: ByteBuffer(bytes: otherBranch))
            #expect(branch.status == .accepted)
            #expect(branch.text.contains("ignored: refs/heads/feature is not the watched refs/heads/main"))

            let tag = ServerFixture.push(ref: "refs/tags/v1", after: Self.commit)
            let tagged = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(tag),
                                                  body: ByteBuffer(bytes: tag))
            #expect(tagged.text.contains("ignored"))

            let fork = ServerFixture.push(after: Self.commit, repository: "someone/fork")
            let forked = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(fork),
                                                  body: ByteBuffer(bytes: fork))
            #expect(forked.text.contains("ignored: someone/fork is not the Project's repository acme/ml"))

            let issue = Array(#"{"action":"opened"}"#.utf8)
            let issues = try await client.execute(uri: "/hooks/github", method: .post,
                                                  headers: ServerFixture.signed(issue, event: "issues"), body: ByteBuffer(bytes: issue))
            #expect(issues.status == .accepted)
            #expect(issues.text.contains("ignored: event 'issues'"))

            try await Task.sleep(for: .milliseconds(300))
            #expect(fixture.reconciles.count == 1)

            // The same repository in another case is the same repository.
            let same = ServerFixture.push(after: Self.commit, repository: "Acme/ML")
            let accepted = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(same),
                                                    body: ByteBuffer(bytes: same))
            #expect(accepted.text.contains("reconciling"))
            #expect(await fixture.eventually { fixture.reconciles.count == 2 })
        }
    }

    @Test("a malformed push payload, correctly signed, gets 400")
    func malformed() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let body = Array(#"{"ref": 42}"#.utf8)
            let response = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(body),
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
        }
    }

    @Test("without a webhook secret every delivery is refused")
    func noSecret() async throws {
        let fixture = try ServerFixture()
        try await fixture.run(secret: nil) { client in
            let body = ServerFixture.push(after: Self.commit)
            let response = try await client.execute(uri: "/hooks/github", method: .post, headers: ServerFixture.signed(body),
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .forbidden)
            #expect(response.text.contains("--webhook-secret-file"))
        }
    }

    @Test("a burst of 100 deliveries of a push causes at most two reconciles")
    func burst() async throws {
        let fixture = try ServerFixture(reconcileDelay: .milliseconds(200))
        try await fixture.run { client in
            #expect(await fixture.eventually { fixture.reconciles.count == 1 })
            fixture.head = Self.commit
            let body = ServerFixture.push(after: Self.commit)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await client.execute(uri: "/hooks/github", method: .post,
                                                 headers: ServerFixture.signed(body, delivery: "burst-\(index)"),
                                                 body: ByteBuffer(bytes: body)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 100)
            #expect(statuses.allSatisfy { $0 == .accepted })
            #expect(await fixture.eventually { fixture.reconciles.count >= 2 })
            try await Task.sleep(for: .milliseconds(800))
            let fromBurst = fixture.reconciles.dropFirst()
            #expect((1...2).contains(fromBurst.count), "\(fromBurst.count) reconciles for one burst")
        }
    }
}
