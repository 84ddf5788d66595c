import Logging
import ServiceLifecycle
import StewardCore
import StewardRuntime
import Synchronization

/// What the readiness probe and the status page know about the loop.
public final class LoopHealth: Sendable {
    public struct Snapshot: Sendable {
        /// When the last reconcile that ran ended (succeeded, or applied with a failed action).
        public var lastCompleted: Instant?
        /// How the last reconcile ended, whatever it was.
        public var lastOutcome: CycleOutcome?
        public var running: Bool
    }

    private let state = Mutex(Snapshot(lastCompleted: nil, lastOutcome: nil, running: false))

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func began() { state.withLock { $0.running = true } }

    func finished(_ outcome: CycleOutcome, at instant: Instant) {
        state.withLock {
            $0.running = false
            if outcome.result != .error { $0.lastCompleted = instant }
            $0.lastOutcome = outcome
        }
    }
}

/// The reconcile loop as a service: a reconcile at start, then one per `interval` (with jitter) and one per
/// accepted trigger, never two at a time. On graceful shutdown it takes no more triggers and lets the reconcile
/// in progress finish; if it must be cancelled, the journal holds the action in flight for the next start.
public struct ReconcileService: Service {
    public typealias Cycle = @Sendable (_ id: String, _ trigger: Trigger, _ inbox: TriggerInbox) async -> CycleOutcome

    public var inbox: TriggerInbox
    public var health: LoopHealth
    public var interval: Duration
    /// The interval varies by up to this fraction either way, so that many services do not tick together.
    public var jitter: Double
    public var clock: @Sendable () -> Instant
    public var logger: Logger
    private let cycle: Cycle

    /// Whether `run` submits the startup trigger itself; the service submits it once it listens instead.
    public var reconcileAtStart: Bool
    /// The last resort of a shutdown: called this long after it began if the process is still stopping.
    public var stopDeadline: (after: Duration, then: @Sendable () -> Void)?

    public init(inbox: TriggerInbox, health: LoopHealth, interval: Duration, jitter: Double = 0.1,
                reconcileAtStart: Bool = true, stopDeadline: (after: Duration, then: @Sendable () -> Void)? = nil,
                clock: @escaping @Sendable () -> Instant, logger: Logger, cycle: @escaping Cycle) {
        self.reconcileAtStart = reconcileAtStart
        self.stopDeadline = stopDeadline
        self.inbox = inbox
        self.health = health
        self.interval = interval
        self.jitter = jitter
        self.clock = clock
        self.logger = logger
        self.cycle = cycle
    }

    public func run() async throws {
        if reconcileAtStart { inbox.submit(Trigger(.startup)) }
        await withDiscardingTaskGroup { group in
            group.addTask { await tick() }
            await withGracefulShutdownHandler {
                var followUp: Task<Void, Never>?
                for await trigger in inbox.triggers {
                    // A trigger buffered before shutdown began is for the next start.
                    if inbox.isClosed { break }
                    followUp?.cancel()
                    let id = ReconcileContext.newID(now: clock())
                    health.began()
                    let outcome = await cycle(id, trigger, inbox)
                    health.finished(outcome, at: clock())
                    if let delay = outcome.followUp, delay < interval {
                        followUp = Task {
                            guard (try? await Task.sleep(for: delay)) != nil else { return }
                            inbox.submit(Trigger(.followUp))
                        }
                    }
                }
                followUp?.cancel()
            } onGracefulShutdown: {
                logger.notice("shutting down: taking no more triggers; the reconcile in progress finishes first")
                inbox.close()
                if let (after, then) = stopDeadline {
                    Task.detached {
                        try? await Task.sleep(for: after)
                        then()
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Submits an interval trigger every `interval`, give or take the jitter.
    private func tick() async {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while !Task.isCancelled {
            let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
            do {
                try await Task.sleep(for: .milliseconds(Int64(max(0.05, seconds * factor) * 1000)))
            } catch {
                return
            }
            if inbox.submit(Trigger(.interval)) == .closed { return }
        }
    }
}
