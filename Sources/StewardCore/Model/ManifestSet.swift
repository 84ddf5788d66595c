/// Every resource declared at one commit, decoded and validated.
public struct ManifestSet: Sendable, Hashable {
    /// Sorted by kind (dependency order), then name.
    public private(set) var resources: [Resource]
    /// Resources declared but not planned because their declarations are ambiguous (two of one kind
    /// and name) or because they refer to such a resource: each is `Stalled` with its reason.
    public private(set) var held: [HeldResource]

    public init(_ resources: [Resource], held: [HeldResource] = []) {
        self.resources = resources.sorted { $0.id < $1.id }
        self.held = held.sorted { $0.id < $1.id }
    }

    public subscript(id: ResourceID) -> Resource? {
        resources.first { $0.id == id }
    }

    /// The Project, if one is declared.
    public var project: (Resource, ProjectSpec)? {
        for r in resources { if case .project(let p) = r.spec { return (r, p) } }
        return nil
    }

    public var datasets: [(Resource, DatasetSpec)] {
        resources.compactMap { r in if case .dataset(let s) = r.spec { (r, s) } else { nil } }
    }

    public var pipelines: [(Resource, PipelineSpec)] {
        resources.compactMap { r in if case .pipeline(let s) = r.spec { (r, s) } else { nil } }
    }

    public var evaluations: [(Resource, EvaluationSpec)] {
        resources.compactMap { r in if case .evaluation(let s) = r.spec { (r, s) } else { nil } }
    }

    public var endpoints: [(Resource, EndpointSpec)] {
        resources.compactMap { r in if case .endpoint(let s) = r.spec { (r, s) } else { nil } }
    }

    public var releases: [(Resource, ReleaseSpec)] {
        resources.compactMap { r in if case .release(let s) = r.spec { (r, s) } else { nil } }
    }

    public func dataset(named name: String) -> DatasetSpec? {
        datasets.first { $0.0.name == name }?.1
    }

    public func pipeline(named name: String) -> PipelineSpec? {
        pipelines.first { $0.0.name == name }?.1
    }

    public func endpoint(named name: String) -> EndpointSpec? {
        endpoints.first { $0.0.name == name }?.1
    }

    /// Where an Evaluation's predictions and records go: `batchPrediction.outputRoot`, else
    /// `<root of the Pipeline whose model it judges>/evaluations`; each Evaluation writes under `<root>/<name>/`.
    public func outputRoot(of evaluation: EvaluationSpec) -> StorageURI? {
        if let root = evaluation.batchPrediction.outputRoot { return root }
        let pipeline: String?
        switch evaluation.target {
        case .endpoint(let name): pipeline = endpoint(named: name)?.model.pipeline
        case .pipeline(let name): pipeline = name
        }
        return pipeline.flatMap { self.pipeline(named: $0)?.root.appending("evaluations") }
    }
}

/// A declared resource that nothing is planned for, and why.
public struct HeldResource: Sendable, Hashable {
    public var id: ResourceID
    /// A CamelCase condition reason: `Duplicate`, `DependencyHeld`.
    public var reason: String
    public var message: String

    public init(id: ResourceID, reason: String, message: String) {
        self.id = id
        self.reason = reason
        self.message = message
    }
}
