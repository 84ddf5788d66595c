import Logging
import StewardCore

/// The manifests at a commit, decoded.
public struct DesiredState: Sendable {
    /// The full commit id.
    public var revision: String
    public var manifests: ManifestSet
    public var diagnostics: [Diagnostic]
    /// How many manifest files were read.
    public var fileCount: Int

    public init(revision: String, manifests: ManifestSet, diagnostics: [Diagnostic], fileCount: Int) {
        self.revision = revision
        self.manifests = manifests
        self.diagnostics = diagnostics
        self.fileCount = fileCount
    }

    /// The declared provider, `local` when no Project says otherwise.
    public var declaredProvider: ProviderKind { manifests.project?.1.provider ?? .local }
}

/// Errors of a reconcile that concern its inputs rather than one resource.
public enum ReconcileError: Error, Sendable, CustomStringConvertible {
    case noManifests(path: RepositoryPath, revision: String)
    case stalePlan(reason: String)

    public var description: String {
        switch self {
        case .noManifests(let path, let revision):
            "no manifests under '\(path)' at commit \(revision.prefix(7)); commit some, or pass --path"
        case .stalePlan(let reason):
            "the saved plan is stale: \(reason); run 'steward plan' again"
        }
    }
}

/// The read-only half of a reconcile: fetch → decode → observe → plan. `ReconcileEngine` carries the plan out.
public struct Reconciler: Sendable {
    public var source: any Source
    public var path: RepositoryPath
    public var decoder: any ManifestDecoding
    public var logger: Logger

    public init(source: any Source, path: RepositoryPath, decoder: any ManifestDecoding, logger: Logger) {
        self.source = source
        self.path = path
        self.decoder = decoder
        self.logger = logger
    }

    /// Resolves the revision and decodes the manifests there.
    public func load(revision: String) async throws -> DesiredState {
        let commit = try await source.resolve(revision)
        let files = try await source.manifestFiles(under: path, at: commit, maximumSize: decoder.maximumFileSize)
        let manifestFiles = files.filter { $0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml") }
        guard !manifestFiles.isEmpty else { throw ReconcileError.noManifests(path: path, revision: commit) }
        let result = decoder.decode(manifestFiles)
        logger.debug("manifests decoded", metadata: [
            "git.revision": "\(commit)", "files": "\(manifestFiles.count)", "diagnostics": "\(result.diagnostics.count)",
        ])
        return DesiredState(revision: commit, manifests: result.manifests, diagnostics: result.diagnostics,
                            fileCount: manifestFiles.count)
    }

    /// Observes the world and plans.
    /// `retried` names the resources a person asked to retry: a failed check of theirs runs again.
    public func plan(_ desired: DesiredState, providers: Providers, now: Instant,
                     retried: Set<ResourceID> = []) async throws -> (Plan, ObservedState) {
        let observed = try await Observer(providers: providers, logger: logger).observe(desired.manifests)
        let facts = try await source.facts(for: SourceQueries(manifests: desired.manifests, observed: observed),
                                           at: desired.revision)
        let plan = Planner().plan(manifests: desired.manifests, diagnostics: desired.diagnostics, source: facts,
                                  observed: observed, now: now, retried: retried)
        return (plan, observed)
    }
}
