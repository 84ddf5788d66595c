import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StewardCore
import StewardRuntime
import StewardServer
import StewardStore
import Synchronization
import Testing

/// The service's HTTP side and its reconcile loop, in process, with a reconcile that only counts itself and
/// "resolves" whatever commit the test says the branch is at. The HTTP side runs on a real socket.
final class ServerFixture: Sendable {
    static let secret = Array("It's a Secret to Everybody".utf8)

    let directory: String
    let store: SQLiteStateStore
    let inbox = TriggerInbox()
    let health = LoopHealth()
    let metrics = ServeMetrics()
    private let state = Mutex<(head: String, reconciles: [Trigger])>(("0000000000000000000000000000000000000001", []))
    let reconcileDelay: Duration
    let repository: String?
    /// How many reconciles, from the first, cannot run (their outcome is `error`).
    let unreachable: Int

    init(reconcileDelay: Duration = .milliseconds(100), repository: String? = nil, unreachable: Int = 0) throws {
        self.unreachable = unreachable
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-serve-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStateStore.open(path: directory + "/state.db")
        self.reconcileDelay = reconcileDelay
        self.repository = repository
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Where the watched branch points now.
    var head: String {
        get { state.withLock { $0.head } }
        set { state.withLock { $0.head = newValue } }
    }

    var reconciles: [Trigger] { state.withLock { $0.reconciles } }

    func webhook(maximumBodyBytes: Int = 64 * 1024, secret: [UInt8]? = ServerFixture.secret) -> StatusServer {
        let repository = repository
        let metrics = metrics
        let receiver = WebhookReceiver(secret: secret, watchedRef: "refs/heads/main", repository: { repository },
                                       inbox: inbox, logger: Logger(label: "test"),
                                       rejected: { metrics.webhookRejected(reason: $0) })
        return StatusServer(webhook: receiver, health: health, metrics: metrics, store: store, readinessWindow: 60,
                            maximumBodyBytes: maximumBodyBytes, clock: { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) })
    }

    /// Runs the loop (a reconcile at start, then one per accepted trigger) and the HTTP side on a real socket.
    func run(maximumBodyBytes: Int = 64 * 1024, secret: [UInt8]? = ServerFixture.secret,
             _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let loop = ReconcileService(inbox: inbox, health: health, interval: .seconds(3600),
                                    clock: { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) },
                                    logger: Logger(label: "test")) { [self] _, trigger, inbox in
            inbox.resolved(head)
            try? await Task.sleep(for: reconcileDelay)
            let count = state.withLock { state in
                state.reconciles.append(trigger)
                return state.reconciles.count
            }
            if count <= unreachable {
                return CycleOutcome(result: .error, message: "the remote did not answer")
            }
            return CycleOutcome(result: .succeeded, message: "counted")
        }
        let running = Task { try await loop.run() }
        defer { running.cancel() }
        let app = Application(router: webhook(maximumBodyBytes: maximumBodyBytes, secret: secret).router())
        try await app.test(.live) { client in try await test(client) }
    }

    /// Waits until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// A push event payload as GitHub sends it (the fields Steward reads, and some it does not).
    static func push(ref: String = "refs/heads/main", after: String, repository: String = "acme/ml") -> [UInt8] {
        let object: [String: Any] = [
            "ref": ref, "before": String(repeating: "0", count: 40), "after": after, "created": false, "deleted": false,
            "forced": false, "compare": "https://github.com/\(repository)/compare/x...y",
            "repository": ["full_name": repository, "clone_url": "https://github.com/\(repository).git", "private": true],
            "pusher": ["name": "octocat"], "commits": [],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    /// Headers of a delivery; `signature` nil sends none.
    static func headers(event: String, delivery: String, signature: String?) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("X-GitHub-Event")!] = event
        fields[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        if let signature { fields[HTTPField.Name("X-Hub-Signature-256")!] = signature }
        return fields
    }

    static func signed(_ body: [UInt8], event: String = "push", delivery: String = UUID().uuidString) -> HTTPFields {
        headers(event: event, delivery: delivery, signature: WebhookSignature.sign(body: body, secret: secret))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
