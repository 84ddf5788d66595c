import StewardCore

/// How long a transiently failing action waits before it is tried again: `base` seconds after the first
/// failure, doubling up to `cap`, times a jitter factor so that many resources do not retry together.
public struct BackoffPolicy: Sendable {
    public var base: Double
    public var cap: Double
    /// A factor around 1 (by default 0.9…1.1).
    public var jitter: @Sendable () -> Double

    public init(base: Double = 15, cap: Double = 600, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.9...1.1) }) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay after `failures` consecutive failures; at least `serverAsked` when the backend named a wait.
    public func delay(afterFailures failures: Int, serverAsked: Double? = nil) -> Double {
        var value = base
        for _ in 1..<max(1, min(failures, 40)) where value < cap { value *= 2 }
        return max(min(cap, value) * jitter(), serverAsked ?? 0)
    }
}

/// Why a change of a plan is held back instead of carried out.
public enum Hold: Sendable, Hashable {
    /// Its last attempt failed transiently; it is tried again at `failure.nextAttemptAt`.
    case backingOff(ActionFailure)
    /// Its last attempt failed terminally; it waits for its inputs to change or for a person.
    case stalled(ActionFailure)
    /// It depends on a change that is held back.
    case behind(changeID: String, root: ActionFailure)

    /// The failure at the root of the hold.
    public var failure: ActionFailure {
        switch self {
        case .backingOff(let failure), .stalled(let failure), .behind(_, let failure): failure
        }
    }

    /// Whether only a person (or a commit) can release it.
    public var isTerminal: Bool { failure.isTerminal }
}

/// The failures of actions, by change id, and what they mean for a plan: pure, so that `apply --wait` and
/// `serve` hold back and annotate alike. The state store keeps the records between reconciles.
public struct FailureLedger: Sendable {
    public private(set) var failures: [String: ActionFailure]

    public init(_ failures: [ActionFailure] = []) {
        self.failures = Dictionary(failures.map { ($0.changeID, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The plan with every held change turned into a wait whose reason says why, and the holds by change id.
    /// A change is held when its own failure holds it (a terminal one always; a transient one until its next
    /// attempt), or when a change it depends on is held.
    public func holdBack(_ plan: Plan, now: Instant) -> (plan: Plan, holds: [String: Hold]) {
        guard !failures.isEmpty else { return (plan, [:]) }
        var holds: [String: Hold] = [:]
        var result = plan
        // Changes are in dependency order, so one pass sees every dependency before its dependents.
        for index in result.changes.indices where result.changes[index].action.isChange {
            let change = result.changes[index]
            let hold: Hold
            if let failure = failures[change.id], failure.isTerminal {
                hold = .stalled(failure)
            } else if let failure = failures[change.id], let next = failure.nextAttemptAt, next > now {
                hold = .backingOff(failure)
            } else if let blocking = change.dependsOn.first(where: { holds[$0] != nil }), let root = holds[blocking] {
                hold = .behind(changeID: blocking, root: root.failure)
            } else {
                continue
            }
            holds[change.id] = hold
            result.changes[index].action = .wait
            result.changes[index].reason = Self.reason(hold, now: now)
        }
        return (result, holds)
    }

    /// Takes in what an apply did: a failed action's failure is recorded (one more attempt), an action that
    /// went ahead is forgotten. Returns the failures recorded and the change ids forgotten, for the store.
    public mutating func record(_ results: [ActionResult], now: Instant, policy: BackoffPolicy)
        -> (recorded: [ActionFailure], cleared: [String]) {
        var recorded: [ActionFailure] = []
        var cleared: [String] = []
        for result in results {
            let change = result.change
            switch result.outcome {
            case .failed, .stalled:
                let error = result.error ?? RuntimeError(code: "failed", message: result.message ?? "\(change.operation.rawValue) failed")
                let previous = failures[change.id]
                let attempts = (previous?.attempts ?? 0) + 1
                let next = error.isTerminal ? nil
                    : now.adding(seconds: policy.delay(afterFailures: attempts, serverAsked: error.retryAfter))
                let failure = ActionFailure(changeID: change.id, resource: change.resource, operation: change.operation,
                                            key: change.key, error: error, attempts: attempts,
                                            firstFailedAt: previous?.firstFailedAt ?? now, lastFailedAt: now,
                                            nextAttemptAt: next)
                failures[change.id] = failure
                recorded.append(failure)
            case .succeeded, .adopted, .started:
                if failures.removeValue(forKey: change.id) != nil { cleared.append(change.id) }
            case .skipped, .deferred:
                break
            }
        }
        return (recorded, cleared)
    }

    /// Forgets the failures of actions `plan` no longer holds: its inputs changed (another key, another id),
    /// or it is no longer needed. Returns the change ids forgotten.
    public mutating func forget(notIn plan: Plan) -> [String] {
        let planned = Set(plan.changes.map(\.id))
        let gone = failures.keys.filter { !planned.contains($0) }.sorted()
        for id in gone { failures[id] = nil }
        return gone
    }

    /// Forgets the failures of these resources (a person asked for a retry). Returns the change ids forgotten.
    public mutating func forget(resources: Set<ResourceID>) -> [String] {
        let gone = failures.values.filter { resources.contains($0.resource) }.map(\.changeID).sorted()
        for id in gone { failures[id] = nil }
        return gone
    }

    /// The conditions with held resources shown: `Stalled` with the error's code and message when an action
    /// of the resource failed terminally, `Progressing`/`BackingOff` with the time left when one backs off. A
    /// resource the planner already reports `Stalled` or `Suspended` keeps its condition.
    public func annotate(_ conditions: [ResourceCondition], holds: [String: Hold], now: Instant) -> [ResourceCondition] {
        guard !holds.isEmpty else { return conditions }
        var own: [ResourceID: Hold] = [:]
        for hold in holds.values.sorted(by: { $0.failure.changeID < $1.failure.changeID }) {
            switch hold {
            case .stalled(let failure), .backingOff(let failure):
                // A terminal failure outweighs a backoff of the same resource.
                if own[failure.resource].map({ !$0.isTerminal }) ?? true { own[failure.resource] = hold }
            case .behind:
                break
            }
        }
        return conditions.map { entry in
            guard let hold = own[entry.resource], entry.condition.type == .ready || entry.condition.type == .progressing
            else { return entry }
            var annotated = entry
            let failure = hold.failure
            switch hold {
            case .stalled:
                annotated.condition = Condition(
                    .stalled, reason: Self.reasonWord(failure.error.code),
                    message: "\(failure.operation.rawValue) failed: \(failure.error.message); fix the cause, then run "
                        + "'steward retry \(failure.resource)' (or commit a change to it)",
                    code: failure.error.code)
            case .backingOff, .behind:
                annotated.condition = Condition(
                    .progressing, reason: "BackingOff",
                    message: "\(Self.attempts(failure.attempts)): \(failure.error.message); next attempt in "
                        + Self.timeLeft(failure, now: now),
                    code: failure.error.code)
            }
            return annotated
        }
    }

    /// When the first backoff among `holds` ends, if any does.
    public static func nextAttempt(_ holds: [String: Hold]) -> Instant? {
        holds.values.compactMap { $0.isTerminal ? nil : $0.failure.nextAttemptAt }.min()
    }

    /// `permission_denied` → `PermissionDenied`: a condition reason made of an error code.
    public static func reasonWord(_ code: String) -> String {
        let words = code.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " })
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
        return joined.isEmpty ? "ActionFailed" : joined
    }

    static func reason(_ hold: Hold, now: Instant) -> String {
        switch hold {
        case .stalled(let failure):
            "stalled: \(failure.operation.rawValue) failed (\(failure.error.code)): \(failure.error.message); "
                + "'steward retry \(failure.resource)' tries it again"
        case .backingOff(let failure):
            "backing off after \(attempts(failure.attempts)) (\(failure.error.message)); next attempt in "
                + timeLeft(failure, now: now)
        case .behind(let changeID, let root):
            "waits for \(changeID), which \(root.isTerminal ? "is stalled" : "is backing off")"
        }
    }

    static func attempts(_ count: Int) -> String {
        count == 1 ? "1 failed attempt" : "\(count) failed attempts"
    }

    static func timeLeft(_ failure: ActionFailure, now: Instant) -> String {
        guard let next = failure.nextAttemptAt else { return "never" }
        return formatDuration(seconds: max(0, next.seconds(since: now)).rounded(.up))
    }
}
