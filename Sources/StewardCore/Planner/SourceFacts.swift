/// A folder of the repository, optionally without one of its sub-paths, whose tree id the planner needs.
public struct TreeQuery: Sendable, Hashable, Codable {
    public var path: RepositoryPath
    public var excluding: RepositoryPath?

    public init(path: RepositoryPath, excluding: RepositoryPath? = nil) {
        self.path = path
        self.excluding = excluding
    }
}

/// The paths changed under a folder between an earlier commit and the revision.
public struct ChangesQuery: Sendable, Hashable, Codable {
    public var from: String
    public var path: RepositoryPath

    public init(from: String, path: RepositoryPath) {
        self.from = from
        self.path = path
    }
}

/// What the planner needs to know about the repository at the revision, gathered by the shell
/// (through git) before planning, so that planning stays pure.
public struct SourceFacts: Sendable, Hashable, Codable {
    public var revision: String
    /// Tree ids; a query with no entry, or a nil entry, names a folder absent at the revision.
    public var trees: [TreeQuery: String]
    /// Blob ids of files (pipeline templates); absent files have no entry.
    public var blobs: [RepositoryPath: String]
    /// Changed paths; a query without an entry could not be answered (the commit is unknown here).
    public var changes: [ChangesQuery: [String]]

    public init(revision: String, trees: [TreeQuery: String] = [:], blobs: [RepositoryPath: String] = [:],
                changes: [ChangesQuery: [String]] = [:]) {
        self.revision = revision
        self.trees = trees
        self.blobs = blobs
        self.changes = changes
    }

    public func tree(_ path: RepositoryPath, excluding: RepositoryPath? = nil) -> String? {
        trees[TreeQuery(path: path, excluding: excluding)]
    }
}

/// The questions the planner will ask of the repository for a set of manifests and an observed state.
public struct SourceQueries: Sendable, Hashable {
    public var trees: Set<TreeQuery> = []
    public var blobs: Set<RepositoryPath> = []
    public var changes: Set<ChangesQuery> = []

    public init(manifests: ManifestSet, observed: ObservedState) {
        let runs = Dictionary(grouping: observed.runs, by: \.pipeline)
        for (resource, pipeline) in manifests.pipelines {
            if case .repository(let path) = pipeline.template { blobs.insert(path) }
            let last = runs[resource.name]?.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            if let image = pipeline.image {
                trees.insert(TreeQuery(path: image.context, excluding: Planner.excludedModules(pipeline)))
                if let commit = last?.commit { changes.insert(ChangesQuery(from: commit, path: image.context)) }
            }
            if let modules = pipeline.modules {
                trees.insert(TreeQuery(path: modules.source))
                if let commit = last?.commit { changes.insert(ChangesQuery(from: commit, path: modules.source)) }
            }
        }
        for (_, dataset) in manifests.datasets {
            if let initial = dataset.initialSpan { trees.insert(TreeQuery(path: initial)) }
        }
    }
}
