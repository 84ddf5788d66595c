import Synchronization

/// Why a reconcile runs.
public struct Trigger: Sendable, CustomStringConvertible {
    public enum Cause: Sendable, Hashable {
        /// The first reconcile after the service started.
        case startup
        /// The `--interval` timer.
        case interval
        /// A GitHub push delivery, by its `X-GitHub-Delivery` id.
        case webhook(delivery: String)
        /// The previous reconcile left changes due or work in progress.
        case followUp
    }

    public var cause: Cause
    /// The commit a push announced, when one did.
    public var commit: String?

    public init(_ cause: Cause, commit: String? = nil) {
        self.cause = cause
        self.commit = commit
    }

    public var description: String {
        switch cause {
        case .startup: "startup"
        case .interval: "interval"
        case .webhook(let delivery): "webhook \(delivery)"
        case .followUp: "follow-up"
        }
    }
}

/// Where triggers wait for the reconcile loop. Triggers coalesce: while a reconcile runs, any number of
/// triggers become one more reconcile, and a push announcing the commit the loop already reconciles asks for
/// nothing; so a burst of deliveries causes at most two reconciles.
public final class TriggerInbox: Sendable {
    /// What became of a trigger.
    public enum Submission: Sendable, Equatable {
        /// A reconcile will run for it (possibly together with others).
        case accepted
        /// The loop already reconciles the commit it announces.
        case alreadyCurrent
        /// The service is shutting down and takes no more triggers.
        case closed
    }

    private struct State {
        var closed = false
        /// The commit the latest reconcile resolved.
        var current: String?
    }

    public let triggers: AsyncStream<Trigger>
    private let continuation: AsyncStream<Trigger>.Continuation
    private let state = Mutex(State())

    public init() {
        (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reconcile.
    @discardableResult
    public func submit(_ trigger: Trigger) -> Submission {
        let verdict: Submission = state.withLock { state in
            if state.closed { return .closed }
            if let commit = trigger.commit, commit == state.current { return .alreadyCurrent }
            return .accepted
        }
        guard verdict == .accepted else { return verdict }
        if case .terminated = continuation.yield(trigger) { return .closed }
        return .accepted
    }

    /// Called by a reconcile once it knows the commit it reconciles.
    public func resolved(_ commit: String) {
        state.withLock { $0.current = commit }
    }

    /// Takes no more triggers; the loop ends after the reconcile in progress.
    public func close() {
        state.withLock { $0.closed = true }
        continuation.finish()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
}
