/// Computes a plan from desired state (manifests and repository facts at a commit) and observed state.
///
/// Deterministic: no I/O, no clock, no randomness. The same inputs always give the same plan.
public struct Planner: Sendable {
    public init() {}

    /// Plans every declared resource. With any error among `diagnostics`, the plan holds no deletion.
    public func plan(manifests: ManifestSet, diagnostics: [Diagnostic] = [], source: SourceFacts,
                     observed: ObservedState, now: Instant) -> Plan {
        var context = PlanningContext(manifests: manifests, source: source, observed: observed, now: now,
                                      allowDeletions: !diagnostics.hasErrors)
        for resource in manifests.resources {
            switch resource.spec {
            case .project(let spec): context.planProject(resource, spec)
            case .dataset(let spec): context.planDataset(resource, spec)
            case .pipeline(let spec): context.planPipeline(resource, spec)
            case .evaluation, .endpoint, .release: context.planModelConsumer(resource)
            }
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

    init(manifests: ManifestSet, source: SourceFacts, observed: ObservedState, now: Instant, allowDeletions: Bool) {
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
    }

    /// The newest run of a pipeline, whatever its key.
    func lastRun(of pipeline: String) -> ObservedRun? {
        runsByPipeline[pipeline]?.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    mutating func setCondition(_ resource: Resource, _ type: Condition.Kind, _ reason: String, _ message: String) {
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

    /// Evaluations, Endpoints and Releases act on models produced by runs; the model loop plans them.
    mutating func planModelConsumer(_ resource: Resource) {
        setCondition(resource, .progressing, "NotReconciled",
                     "\(resource.id.kind.rawValue) resources are validated but not reconciled by this version")
    }
}
