/// What a change does to the world, as shown to people (`+`, `~`, `-`, `>`, `…`).
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    case delete
    case start
    case wait

    /// The symbol of the plan's text rendering.
    public var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        case .start: ">"
        case .wait: "…"
        }
    }

    /// Whether the change does something (everything except `wait`).
    public var isChange: Bool { self != .wait }
}

/// One planned operation on one resource.
public struct Change: Sendable, Hashable, Codable, Identifiable {
    /// Deterministic: the operation and the key (or the awaited object), so a saved plan names its changes stably.
    public var id: String
    public var resource: ResourceID
    public var operation: Operation
    public var action: Action
    /// For display only: the applier never branches on it.
    public var reason: String
    /// The idempotency key of the side effect.
    public var key: String?
    /// Ids of the changes of this plan that must succeed first.
    public var dependsOn: [String]
    /// What the applier needs to carry the change out.
    public var detail: ChangeDetail

    public init(id: String, resource: ResourceID, operation: Operation, action: Action, reason: String,
                key: String?, dependsOn: [String] = [], detail: ChangeDetail) {
        self.id = id
        self.resource = resource
        self.operation = operation
        self.action = action
        self.reason = reason
        self.key = key
        self.dependsOn = dependsOn
        self.detail = detail
    }
}

/// A plan: the changes that take the observed state to the desired state at one commit.
public struct Plan: Sendable, Hashable, Codable {
    /// The full commit id the plan was computed from.
    public var revision: String
    /// Changes in dependency order.
    public var changes: [Change]
    /// The condition of every declared resource as of this plan.
    public var conditions: [ResourceCondition]
    /// Manifest problems; with any error present the plan holds no deletion.
    public var diagnostics: [Diagnostic]
    /// A digest of the observed state the plan was computed from; a saved plan is refused when it moved.
    public var observedDigest: String

    public init(revision: String, changes: [Change], conditions: [ResourceCondition], diagnostics: [Diagnostic],
                observedDigest: String) {
        self.revision = revision
        self.changes = changes
        self.conditions = conditions
        self.diagnostics = diagnostics
        self.observedDigest = observedDigest
    }

    /// Whether the plan does something (anything but waits).
    public var hasChanges: Bool { changes.contains { $0.action.isChange } }

    /// A digest of the plan's changes: the same changes give the same digest.
    public var digest: String {
        ContentKey.digest(of: changes.map { "\($0.id)|\($0.action.rawValue)|\($0.key ?? "")" }.joined(separator: "\n"))
    }
}

/// The condition of one resource at one commit.
public struct ResourceCondition: Sendable, Hashable, Codable {
    public var resource: ResourceID
    public var condition: Condition
    /// The full commit id the condition was computed from.
    public var revision: String
    public var updatedAt: Instant

    public init(resource: ResourceID, condition: Condition, revision: String, updatedAt: Instant) {
        self.resource = resource
        self.condition = condition
        self.revision = revision
        self.updatedAt = updatedAt
    }
}
