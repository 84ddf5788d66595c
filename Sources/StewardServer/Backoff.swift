import StewardCore
import StewardRuntime
import Synchronization

/// Per-resource backoff after failed actions: exponential, capped, with jitter. A resource backing off has its
/// changes (and every change that depends on them) turned into waits, so one broken resource never stops the
/// others and is not hammered on every trigger.
public final class Backoff: Sendable {
    public struct Entry: Sendable, Hashable {
        public var failures: Int
        public var until: Instant
        public var error: String
    }

    public let base: Double
    public let cap: Double
    private let entries = Mutex<[ResourceID: Entry]>([:])
    private let jitter: @Sendable () -> Double

    /// `base` seconds after the first failure, doubling up to `cap`; `jitter` returns a factor (default 0.9…1.1).
    public init(base: Double = 15, cap: Double = 600, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.9...1.1) }) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay after `failures` consecutive failures.
    public func delay(afterFailures failures: Int) -> Double {
        let exponent = Double(max(0, failures - 1))
        return min(cap, base * pow2(exponent)) * jitter()
    }

    /// Records what an apply did: a failure extends the resource's backoff, anything that went ahead clears it.
    public func record(_ results: [ActionResult], now: Instant) {
        entries.withLock { entries in
            for result in results {
                let resource = result.change.resource
                switch result.outcome {
                case .failed:
                    let failures = (entries[resource]?.failures ?? 0) + 1
                    entries[resource] = Entry(failures: failures, until: now.adding(seconds: delay(afterFailures: failures)),
                                              error: result.message ?? "\(result.change.operation.rawValue) failed")
                case .succeeded, .adopted, .started:
                    entries[resource] = nil
                case .skipped, .deferred:
                    break
                }
            }
        }
    }

    /// The resources backing off at `now`.
    public func active(at now: Instant) -> [ResourceID: Entry] {
        entries.withLock { $0.filter { $0.value.until > now } }
    }

    /// The plan with the changes of resources backing off, and their dependents, turned into waits.
    public func holdBack(_ plan: Plan, now: Instant) -> Plan {
        let active = active(at: now)
        guard !active.isEmpty else { return plan }
        var held: [String: String] = [:]
        var result = plan
        // Changes are in dependency order, so one pass sees every dependency before its dependents.
        for index in result.changes.indices where result.changes[index].action.isChange {
            let change = result.changes[index]
            var reason: String?
            if let entry = active[change.resource] {
                let seconds = Int(entry.until.seconds(since: now).rounded(.up))
                reason = "backing off after \(entry.failures) failed attempt\(entry.failures == 1 ? "" : "s") "
                    + "(\(entry.error)); next attempt in \(formatDuration(seconds: Double(seconds)))"
            } else if let blocking = change.dependsOn.first(where: { held[$0] != nil }) {
                reason = "waits for \(blocking), which is backing off"
            }
            if let reason {
                held[change.id] = reason
                result.changes[index].action = .wait
                result.changes[index].reason = reason
            }
        }
        return result
    }

    /// The conditions with every resource backing off shown as `Progressing`/`BackingOff`, naming the error and
    /// when the next attempt comes; a `Stalled` or `Suspended` resource keeps its condition.
    public func annotate(_ conditions: [ResourceCondition], now: Instant) -> [ResourceCondition] {
        let active = active(at: now)
        guard !active.isEmpty else { return conditions }
        return conditions.map { entry in
            guard let backoff = active[entry.resource], entry.condition.type == .ready || entry.condition.type == .progressing
            else { return entry }
            var annotated = entry
            let seconds = backoff.until.seconds(since: now).rounded(.up)
            annotated.condition = Condition(.progressing, reason: "BackingOff",
                                            message: "\(backoff.failures) failed attempt\(backoff.failures == 1 ? "" : "s"): "
                                                + "\(backoff.error); next attempt in \(formatDuration(seconds: seconds))")
            return annotated
        }
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(min(exponent, 30)) { value *= 2 }
        return value
    }
}
