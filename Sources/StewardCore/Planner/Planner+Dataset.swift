extension PlanningContext {
    /// The observed spans of a dataset root.
    func spans(of root: StorageURI) -> [ObservedSpan] {
        spansByRoot[root] ?? []
    }

    /// A Dataset: `span-1` from `initialSpan` while no complete span exists.
    mutating func planDataset(_ resource: Resource, _ spec: DatasetSpec) {
        let spans = spans(of: spec.root)
        let complete = spans.filter { $0.state.isComplete }.map(\.number).sorted()
        if !complete.isEmpty {
            setCondition(resource, .ready, "SpansAvailable",
                         "\(complete.count) complete span\(complete.count == 1 ? "" : "s") (\(Spans.describe(complete)))")
            return
        }
        guard let initial = spec.initialSpan else {
            setCondition(resource, .progressing, "WaitingForData", "no complete span under '\(spec.root)' yet")
            return
        }
        guard let tree = source.tree(initial) else {
            setCondition(resource, .stalled, "InitialSpanMissing",
                         "initial span '\(initial)' does not exist at commit \(short(source.revision)); commit it or remove 'initialSpan'")
            return
        }
        let leftover = spans.contains { $0.number == 1 && $0.state == .inProgress }
        let key = ContentKey.key(["dataset.root": spec.root.description, "span": "1", "tree": tree,
                                  "format": spec.format.rawValue])
        let detail = PrepareSpan(dataset: resource.name, root: spec.root, span: 1,
                                 source: .initial(path: initial, tree: tree, commit: source.revision),
                                 format: spec.format, splits: spec.splits, classes: spec.classes)
        let reason = leftover
            ? "span 1 was left incomplete; rewriting it from '\(initial)'"
            : "no complete span: span 1 from '\(initial)' at \(short(source.revision))"
        changes.append(Change(id: "prepare-span/\(resource.name)/1", resource: resource.id, operation: .prepareSpan,
                              action: .create, reason: reason, key: key, detail: .prepareSpan(detail)))
        setCondition(resource, .progressing, "PreparingSpan", "preparing span 1 from '\(initial)'")
    }

    /// Whether this plan prepares a span of the dataset (pipelines wait for it rather than report missing data).
    func preparesSpan(of dataset: String) -> Change? {
        changes.first { $0.operation == .prepareSpan && $0.resource == ResourceID(.dataset, dataset) }
    }
}
