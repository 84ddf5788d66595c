import Logging
import StewardCore

/// How one change ended in an apply.
public enum ActionOutcome: String, Sendable, Hashable, Codable {
    /// Done within the apply.
    case succeeded
    /// Found already done (an id or object that existed): adopted, not repeated.
    case adopted
    /// Long-running work started; later reconciles observe it.
    case started
    /// The side effect failed with a transient error: it is tried again after a backoff.
    case failed
    /// The side effect failed with a terminal error: it is not tried again until its inputs change or a
    /// person asks (`steward apply`, `steward retry`).
    case stalled
    /// Not attempted: a change it depends on failed.
    case skipped
    /// Not attempted yet: a change it depends on is still in progress.
    case deferred

    /// Whether changes that depend on this one may go ahead now.
    public var unblocksDependents: Bool { self == .succeeded || self == .adopted }

    /// Whether the side effect failed, transiently or terminally.
    public var isFailure: Bool { self == .failed || self == .stalled }
}

/// The result of one change.
public struct ActionResult: Sendable, Hashable {
    public var change: Change
    public var outcome: ActionOutcome
    /// What happened, for people: the object made, or the error's message.
    public var message: String?
    /// The error of a failed side effect: its bounded code, whether it is worth retrying, its message.
    public var error: RuntimeError?
    public var seconds: Double

    public init(change: Change, outcome: ActionOutcome, message: String? = nil, error: RuntimeError? = nil,
                seconds: Double = 0) {
        self.change = change
        self.outcome = outcome
        self.message = message ?? error?.message
        self.error = error
        self.seconds = seconds
    }

    /// The result of a side effect that threw: `stalled` for a terminal error, `failed` for a transient one.
    public init(change: Change, failure error: RuntimeError, seconds: Double = 0) {
        self.init(change: change, outcome: error.isTerminal ? .stalled : .failed, message: error.message, error: error,
                  seconds: seconds)
    }
}

/// Progress of an apply, for a terminal or logs.
public enum ApplyEvent: Sendable {
    case began(Change)
    case ended(ActionResult)
}

/// Where a fault can be injected by tests: right after the journal's begin entry, or right after the side effect.
public enum FaultPoint: Sendable, Hashable {
    case afterBegin(changeID: String)
    case afterEffect(changeID: String)
}

/// Carries out a plan's changes in dependency order with bounded concurrency, journaling before
/// and after every side effect. Every side effect is idempotent, so an interrupted apply is finished
/// by the next one with nothing duplicated and nothing lost.
public struct Applier: Sendable {
    public var providers: Providers
    public var source: any Source
    public var store: any StateStore
    public var clock: @Sendable () -> Instant
    public var concurrency: Int
    public var logger: Logger
    /// Test hook: throwing here simulates a crash at that point.
    public var faults: (@Sendable (FaultPoint) throws -> Void)?

    public init(providers: Providers, source: any Source, store: any StateStore, clock: @escaping @Sendable () -> Instant,
                concurrency: Int = 4, logger: Logger, faults: (@Sendable (FaultPoint) throws -> Void)? = nil) {
        self.providers = providers
        self.source = source
        self.store = store
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.faults = faults
    }

    /// Applies every change that is not a wait. Results are in plan order.
    public func apply(_ plan: Plan, reconcileID: String,
                      progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> [ActionResult] {
        let actionable = plan.changes.filter { $0.action.isChange }
        var results: [String: ActionResult] = [:]
        var pending = actionable
        var running: Set<String> = []
        let known = Set(actionable.map(\.id))

        try await withThrowingTaskGroup(of: ActionResult.self) { group in
            func schedule() {
                var index = 0
                while index < pending.count, running.count < concurrency {
                    let change = pending[index]
                    let dependencies = change.dependsOn.filter { known.contains($0) }
                    if dependencies.contains(where: { results[$0] == nil }) {
                        index += 1
                        continue
                    }
                    pending.remove(at: index)
                    let blocked = dependencies.compactMap { results[$0] }.first { !$0.outcome.unblocksDependents }
                    if let blocked {
                        let outcome: ActionOutcome = (blocked.outcome == .started || blocked.outcome == .deferred) ? .deferred : .skipped
                        let result = ActionResult(change: change, outcome: outcome,
                                                  message: "\(blocked.change.operation.rawValue) \(blocked.outcome.rawValue)")
                        results[change.id] = result
                        progress(.ended(result))
                        index = 0
                        continue
                    }
                    running.insert(change.id)
                    progress(.began(change))
                    group.addTask { try await self.perform(change, reconcileID: reconcileID) }
                }
            }
            schedule()
            while let result = try await group.next() {
                running.remove(result.change.id)
                results[result.change.id] = result
                progress(.ended(result))
                schedule()
            }
            schedule()
        }
        return actionable.compactMap { results[$0.id] }
    }

    /// One change: journal begin, side effect, journal end. Errors of the side effect become a failed (transient)
    /// or stalled (terminal) result carrying the error; a fault (crash) or a cancellation propagates with the
    /// journal left open.
    func perform(_ change: Change, reconcileID: String) async throws -> ActionResult {
        let started = clock()
        var log = logger
        log[metadataKey: "resource"] = "\(change.resource)"
        log[metadataKey: "action"] = "\(change.operation.rawValue)"
        try await store.appendJournal(JournalEntry(actionID: change.id, reconcileID: reconcileID, resource: change.resource,
                                                   operation: change.operation, key: change.key, phase: .begin,
                                                   at: started))
        try faults?(.afterBegin(changeID: change.id))
        var result: ActionResult
        do {
            let (outcome, message) = try await effect(change, logger: log)
            result = ActionResult(change: change, outcome: outcome, message: message)
        } catch let error as InjectedFault {
            throw error
        } catch is CancellationError {
            // Stopped from outside (the service is shutting down): like a crash, the journal keeps the action
            // open and the next reconcile re-plans it from what it observes.
            throw CancellationError()
        } catch {
            let failure = RuntimeError.classifying(error)
            result = ActionResult(change: change, failure: failure)
            log.debug("action failed", metadata: [
                "error": "\(failure.message)", "error.code": "\(failure.code)", "error.terminal": "\(failure.isTerminal)",
            ])
        }
        try faults?(.afterEffect(changeID: change.id))
        let ended = clock()
        result.seconds = ended.seconds(since: started)
        try await store.appendJournal(JournalEntry(actionID: change.id, reconcileID: reconcileID, resource: change.resource,
                                                   operation: change.operation, key: change.key, phase: .end,
                                                   outcome: result.outcome.rawValue, detail: result.message, at: ended))
        return result
    }

    /// The side effect of one change.
    func effect(_ change: Change, logger: Logger) async throws -> (ActionOutcome, String?) {
        switch change.detail {
        case .buildImage(let build):
            let image = try await providers.images.build(build, key: change.key ?? "", source: source)
            switch image.state {
            case .succeeded: return (.succeeded, build.reference)
            case .pending, .running: return (.started, "build '\(image.buildID ?? build.reference)' \(image.state.rawValue)")
            case .failed, .cancelled:
                // The build ran and failed: building the same context again gives the same failure.
                throw RuntimeError(code: "build_failed",
                                   message: "image build of '\(build.reference)' \(image.state.rawValue)\(image.message.map { ": \($0)" } ?? "")",
                                   disposition: .stalled)
            }
        case .copyModules(let copy):
            let created = try await ModuleCopier(objects: providers.objects, source: source).copy(copy)
            return (created ? .succeeded : .adopted, copy.target.description)
        case .runCheck(let check):
            let outcome = try await providers.checks.start(check, source: source)
            return (outcome == .created ? .started : .adopted, "\(check.name): \(check.checkID)")
        case .runPipeline(let run):
            var template: [UInt8]?
            switch run.template {
            case .repository(let path): template = try await source.read(path, at: run.commit)
            case .storage(let uri): template = try await providers.objects.read(uri)
            case .check: break  // the planner gives a run the stored output of the check
            }
            let outcome = try await providers.pipelines.start(run, template: template)
            return (outcome == .created ? .started : .adopted, run.runID)
        case .cancelRun(let cancel):
            try await providers.pipelines.cancel(runID: cancel.runID)
            return (.succeeded, cancel.runID)
        case .prepareSpan(let span):
            try await SpanWriter(objects: providers.objects, source: source).write(span)
            return (.succeeded, span.folder.description)
        case .batchPredict(let request):
            let outcome = try await providers.batch.start(request)
            return (outcome == .created ? .started : .adopted, request.displayName)
        case .evaluate(let request):
            let record = try await BatchEvaluator(objects: providers.objects).evaluate(request, at: clock())
            try await store.recordEvaluation(record)
            let verdict = record.passed ? "passed" : "failed"
            let comparison = record.passed ? "≥" : "<"
            return (.succeeded, String(format: "accuracy %.2f %@ %.2f on %d samples: %@", record.accuracy, comparison,
                                       record.threshold, record.samples, verdict))
        case .uploadModel(let request):
            let outcome = try await providers.models.upload(request)
            return (outcome == .created ? .succeeded : .adopted, request.modelID)
        case .createRelease(let request):
            let outcome = try await providers.releases.create(request)
            return (outcome == .created ? .succeeded : .adopted, "\(request.repository) \(request.tag)")
        case .uploadAsset(let request):
            let bytes = try await ModelPacker(objects: providers.objects).pack(request.modelURI, as: request.name)
            let outcome = try await providers.releases.uploadAsset(request, bytes: bytes, contentType: ModelPacker.contentType(request.name))
            return (outcome == .created ? .succeeded : .adopted, "\(request.name) (\(bytes.count) bytes)")
        case .createEndpoint(let request):
            let outcome = try await providers.endpoints.create(request)
            return (outcome == .created ? .succeeded : .adopted, request.displayName)
        case .deployModel(let request):
            let outcome = try await providers.endpoints.deploy(request)
            let share = request.trafficSplit["0"] ?? 0
            return (outcome == .created ? .succeeded : .adopted, "model '\(request.modelID)' at \(share)%")
        case .setTraffic(let request):
            try await providers.endpoints.setTraffic(request)
            return (.succeeded, request.trafficSplit.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)%" }.joined(separator: ", "))
        case .undeployModel(let request):
            try await providers.endpoints.undeploy(request)
            return (.succeeded, "model '\(request.modelID)'")
        case .wait:
            return (.succeeded, nil)
        }
    }
}

/// The error a fault hook throws to simulate a crash.
public struct InjectedFault: Error, Sendable, CustomStringConvertible {
    public var point: FaultPoint
    public init(_ point: FaultPoint) { self.point = point }
    public var description: String { "injected fault at \(point)" }
}
