/// Computes a plan from desired state (manifests and repository facts at a commit) and observed state.
///
/// Deterministic: no I/O, no clock, no randomness. The same inputs always give the same plan.
public struct Planner: Sendable {
    public init() {}

    /// Plans every declared resource. With any error among `diagnostics`, the plan holds no deletion.
    /// `retried` names the resources a person asked to retry (`steward retry`): a check of theirs that failed
    /// runs once more.
    public func plan(manifests: ManifestSet, diagnostics: [Diagnostic] = [], source: SourceFacts,
                     observed: ObservedState, now: Instant, retried: Set<ResourceID> = []) -> Plan {
        var context = PlanningContext(manifests: manifests, source: source, observed: observed, now: now,
                                      allowDeletions: !diagnostics.hasErrors, retried: retried)
        for resource in manifests.resources {
            switch resource.spec {
            case .project(let spec): context.planProject(resource, spec)
            case .dataset(let spec): context.planDataset(resource, spec)
            case .pipeline(let spec): context.planPipeline(resource, spec)
            case .evaluation(let spec): context.planEvaluation(resource, spec)
            case .endpoint(let spec): context.planEndpoint(resource, spec)
            case .release(let spec): context.planRelease(resource, spec)
            }
        }
        for held in manifests.held {
            context.conditions.append(ResourceCondition(resource: held.id, condition: Condition(.stalled, reason: held.reason, message: held.message),
                                                        revision: source.revision, updatedAt: now))
        }
        return Plan(
            revision: source.revision,
            changes: context.orderedChanges(),
            conditions: context.conditions.sorted { $0.resource < $1.resource },
            diagnostics: diagnostics.sorted { $0.location < $1.location },
            observedDigest: observed.digest
        )
    }

    /// The newest run of a pipeline, whatever its key.
    public static func lastRun(of pipeline: String, in observed: ObservedState) -> ObservedRun? {
        observed.runs.filter { $0.pipeline == pipeline }.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The modules folder, when it lies inside the image context and so is left out of the image.
    public static func excludedModules(_ pipeline: PipelineSpec) -> RepositoryPath? {
        guard let image = pipeline.image, let modules = pipeline.modules,
              image.context.contains(modules.source), image.context != modules.source else { return nil }
        return modules.source
    }
}

/// The mutable state of one planning pass.
struct PlanningContext {
    let manifests: ManifestSet
    let source: SourceFacts
    let observed: ObservedState
    let now: Instant
    let allowDeletions: Bool
    var changes: [Change] = []
    var conditions: [ResourceCondition] = []
    // Indexes built once, so planning stays linear in the number of resources and observed objects.
    let runsByPipeline: [String: [ObservedRun]]
    let imagesByName: [String: [ObservedImage]]
    let moduleCopies: Set<ObservedModuleCopy>
    let spansByRoot: [StorageURI: [ObservedSpan]]
    let datasetsByName: [String: DatasetSpec]
    let modelsByID: [String: ObservedModel]
    let endpointsByResource: [String: ObservedEndpoint]
    let jobsByKey: [String: [ObservedBatchJob]]
    let evaluationsByName: [String: [EvaluationRecord]]
    let batchesByDataset: [String: [ObservedBatch]]
    let checksByPipeline: [String: [ObservedCheck]]
    /// Resources a person asked to retry: a failed check of theirs runs again.
    let retried: Set<ResourceID>

    init(manifests: ManifestSet, source: SourceFacts, observed: ObservedState, now: Instant, allowDeletions: Bool,
         retried: Set<ResourceID> = []) {
        self.retried = retried
        checksByPipeline = Dictionary(grouping: observed.checks, by: \.pipeline)
        self.manifests = manifests
        self.source = source
        self.observed = observed
        self.now = now
        self.allowDeletions = allowDeletions
        runsByPipeline = Dictionary(grouping: observed.runs, by: \.pipeline)
        imagesByName = Dictionary(grouping: observed.images, by: \.name)
        moduleCopies = Set(observed.moduleCopies)
        spansByRoot = Dictionary(grouping: observed.spans, by: \.root)
        datasetsByName = Dictionary(manifests.datasets.map { ($0.0.name, $0.1) }, uniquingKeysWith: { a, _ in a })
        modelsByID = Dictionary(observed.models.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        endpointsByResource = Dictionary(observed.endpoints.map { ($0.resource, $0) }, uniquingKeysWith: { a, _ in a })
        jobsByKey = Dictionary(grouping: observed.batchJobs, by: \.key)
        evaluationsByName = Dictionary(grouping: observed.evaluations, by: \.evaluation)
        batchesByDataset = Dictionary(grouping: observed.batches, by: \.dataset)
    }

    /// The newest run of a pipeline, whatever its key.
    func lastRun(of pipeline: String) -> ObservedRun? {
        runsByPipeline[pipeline]?.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Sets a resource's condition; the last one set wins.
    mutating func setCondition(_ resource: Resource, _ type: Condition.Kind, _ reason: String, _ message: String) {
        conditions.removeAll { $0.resource == resource.id }
        conditions.append(ResourceCondition(resource: resource.id, condition: Condition(type, reason: reason, message: message),
                                            revision: source.revision, updatedAt: now))
    }

    /// Changes in dependency order: datasets before pipelines, and within a resource by operation.
    func orderedChanges() -> [Change] {
        changes.enumerated().sorted { a, b in
            let ka = (a.element.resource.kind.order, a.element.resource.name, a.element.operation.order, a.offset)
            let kb = (b.element.resource.kind.order, b.element.resource.name, b.element.operation.order, b.offset)
            return ka < kb
        }.map(\.element)
    }

    /// A short commit id for reasons.
    func short(_ commit: String) -> String { String(commit.prefix(7)) }

    /// "3m 10s" since `instant`.
    func age(since instant: Instant?) -> String {
        guard let instant else { return "" }
        return " for \(formatDuration(seconds: now.seconds(since: instant)))"
    }

    mutating func planProject(_ resource: Resource, _ spec: ProjectSpec) {
        setCondition(resource, .ready, "Declared", "provider \(spec.provider.rawValue)")
    }

    /// Adds a change unless one with the same id is planned already (two consumers of one model, say).
    mutating func add(_ change: Change) {
        guard !changes.contains(where: { $0.id == change.id }) else { return }
        changes.append(change)
    }
}
