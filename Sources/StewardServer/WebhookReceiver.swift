import Foundation
import Logging

import Synchronization

/// `POST /hooks/github`: GitHub deliveries, checked before anything else by their HMAC-SHA256 signature,
/// de-duplicated by `X-GitHub-Delivery`, answered at once; a push to the watched branch triggers a reconcile.
public struct WebhookReceiver: Sendable {
    /// How a delivery was answered: the HTTP status and a short text for GitHub's delivery log.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var message: String
    }

    /// The webhook secret; nil refuses every delivery, since an unsigned hook could make anyone trigger work.
    public var secret: [UInt8]?
    /// `refs/heads/<branch>` of the watched branch.
    public var watchedRef: String
    /// `owner/name`, when the Project declares its GitHub repository; pushes from others are ignored.
    public var repository: @Sendable () async -> String?
    public var inbox: TriggerInbox
    public var logger: Logger
    private let deliveries: DeliveryLog
    private let rejections: RejectionLog
    /// Counts a refused delivery by reason (`steward_webhook_rejected_total{reason}`).
    private let counted: @Sendable (String) -> Void

    /// Why a delivery is refused, as the metric's `reason` label.
    public static let rejectionReasons = ["disabled", "missing_signature", "bad_signature", "bad_payload", "too_large"]

    public init(secret: [UInt8]?, watchedRef: String, repository: @escaping @Sendable () async -> String?,
                inbox: TriggerInbox, logger: Logger, remembered: Int = 1000,
                rejectionWindow: Duration = .seconds(60), rejected: @escaping @Sendable (String) -> Void = { _ in }) {
        self.secret = secret
        self.watchedRef = watchedRef
        self.repository = repository
        self.inbox = inbox
        self.logger = logger
        deliveries = DeliveryLog(capacity: remembered)
        rejections = RejectionLog(logger: logger, window: rejectionWindow)
        counted = rejected
    }

    private func refuse(_ reason: String, _ status: Int, _ message: String) -> Answer {
        counted(reason)
        rejections.refused(reason, message)
        return Answer(status: status, message: message)
    }

    /// Answers one delivery. `header` reads a request header by name, case-insensitively.
    public func receive(body: [UInt8], header: (String) -> String?) async -> Answer {
        guard let secret else {
            return refuse("disabled", 403, "webhooks are disabled: start 'steward serve' with --webhook-secret-file")
        }
        guard let signature = header(WebhookSignature.headerName) else {
            return refuse("missing_signature", 401, "missing \(WebhookSignature.headerName)")
        }
        guard WebhookSignature.verify(body: body, header: signature, secret: secret) else {
            return refuse("bad_signature", 401, "signature does not match the webhook secret")
        }
        let event = header("X-GitHub-Event") ?? ""
        let delivery = header("X-GitHub-Delivery") ?? ""
        if !delivery.isEmpty, !deliveries.remember(delivery) {
            return Answer(status: 200, message: "delivery \(delivery) already received")
        }
        var log = logger
        log[metadataKey: "github.delivery"] = "\(delivery)"
        log[metadataKey: "github.event"] = "\(event)"
        switch event {
        case "ping":
            log.info("webhook ping")
            return Answer(status: 200, message: "pong")
        case "push":
            let push: PushEvent
            do {
                push = try JSONDecoder().decode(PushEvent.self, from: Data(body))
            } catch {
                return refuse("bad_payload", 400, "not a push event payload: \(error)")
            }
            guard push.ref == watchedRef else {
                return Answer(status: 202, message: "ignored: \(push.ref) is not the watched \(watchedRef)")
            }
            if let wanted = await repository(), wanted.lowercased() != push.repository.fullName.lowercased() {
                return Answer(status: 202, message: "ignored: \(push.repository.fullName) is not the Project's repository \(wanted)")
            }
            if push.deleted {
                return Answer(status: 202, message: "ignored: the branch was deleted; nothing is pruned on a deleted branch")
            }
            switch inbox.submit(Trigger(.webhook(delivery: delivery), commit: push.after)) {
            case .accepted:
                log.info("push accepted: reconciling", metadata: ["git.after": "\(push.after)"])
                return Answer(status: 202, message: "reconciling \(String(push.after.prefix(7)))")
            case .alreadyCurrent:
                return Answer(status: 202, message: "already reconciling \(String(push.after.prefix(7)))")
            case .closed:
                return Answer(status: 503, message: "shutting down; the next start reads the branch again")
            }
        default:
            return Answer(status: 202, message: "ignored: \(event.isEmpty ? "no X-GitHub-Event" : "event '\(event)'")")
        }
    }
}

/// The last `capacity` delivery ids, oldest forgotten first.
final class DeliveryLog: Sendable {
    private struct State {
        var seen: Set<String> = []
        var order: [String] = []
        var head = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records the id; false when it was already there.
    func remember(_ id: String) -> Bool {
        state.withLock { state in
            guard state.seen.insert(id).inserted else { return false }
            if state.order.count < capacity {
                state.order.append(id)
            } else {
                state.seen.remove(state.order[state.head])
                state.order[state.head] = id
                state.head = (state.head + 1) % capacity
            }
            return true
        }
    }
}
