import Foundation
import Logging
import StewardCore
import StewardGit
import StewardLocal
import StewardManifests
import StewardRuntime
import StewardStore
import Synchronization

/// The composition root: the only place that picks adapters.
enum Composition {
    /// The git source for `--repo`: a local repository, or a remote cloned into `.steward/cache/git`.
    static func source(_ options: SourceOptions, logger: Logger) async throws -> LibGit2Source {
        try await source(repo: options.repo, logger: logger)
    }

    /// The git source for a repository path or URL.
    static func source(repo: String, logger: Logger) async throws -> LibGit2Source {
        if RemoteURL.isRemote(repo) {
            let cache = absolute(".steward/cache/git")
            let token = ProcessInfo.processInfo.environment["STEWARD_GIT_TOKEN"]
                ?? ProcessInfo.processInfo.environment["GITHUB_TOKEN"]
            return try await LibGit2Source.remote(url: repo, cacheDirectory: cache, token: token, logger: logger)
        }
        return try await LibGit2Source.open(path: absolute(repo), logger: logger)
    }

    /// The state store named by `--state`.
    static func store(_ global: GlobalOptions) throws -> SQLiteStateStore {
        let location = try StateLocation(parsing: global.state)
        return try SQLiteStateStore.open(path: location.path)
    }

    /// The provider's adapters: `--provider`, else the Project's, else local.
    static func providers(_ global: GlobalOptions, desired: DesiredState, logger: Logger,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Providers {
        let kind = global.provider ?? desired.declaredProvider
        switch kind {
        case .local:
            let root = desired.manifests.project?.1.local?.root ?? ".steward/local"
            return LocalProvider.make(root: absolute(root), logger: logger)
        case .gcp:
            return try GoogleCloudComposition(gcp: GoogleCloudComposition.settings(desired), environment: environment,
                                              stewardVersion: Steward.configuration.version, logger: logger).providers()
        }
    }

    /// The manifests' decoder: YAML, with exact diagnostics.
    static let decoder: any ManifestDecoding = ManifestDecoder()

    /// The read-only half of a reconcile over `source`.
    static func reconciler(_ source: LibGit2Source, path: RepositoryPath, logger: Logger) -> Reconciler {
        Reconciler(source: source, path: path, decoder: decoder, logger: logger)
    }

    /// The reconcile engine over a source and a store, with the providers the manifests name.
    static func engine(_ source: LibGit2Source, path: RepositoryPath, store: any StateStore, global: GlobalOptions,
                       concurrency: Int, pollInterval: Double, logger: Logger) -> ReconcileEngine {
        let providers = ProviderCache(global: global, logger: logger)
        return ReconcileEngine(reconciler: reconciler(source, path: path, logger: logger), store: store,
                               providers: { try providers.providers(for: $0) }, concurrency: concurrency,
                               pollInterval: .milliseconds(Int64(pollInterval * 1000)), clock: Terminal.now)
    }

    /// Resolves a path against the current directory, like Terraform's `.terraform/`.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
    }
}

/// The provider's adapters, made once per provider configuration and reused by every reconcile (credentials
/// and connections are kept), made again when a commit changes the Project.
final class ProviderCache: Sendable {
    private struct Entry {
        var configuration: String
        var providers: Providers
    }

    private let global: GlobalOptions
    private let logger: Logger
    private let entry = Mutex<Entry?>(nil)

    init(global: GlobalOptions, logger: Logger) {
        self.global = global
        self.logger = logger
    }

    func providers(for desired: DesiredState) throws -> Providers {
        let project = desired.manifests.project?.1
        let configuration = "\(global.provider?.rawValue ?? "")|\(String(describing: project))"
        if let cached = entry.withLock({ $0?.configuration == configuration ? $0?.providers : nil }) { return cached }
        let made = try Composition.providers(global, desired: desired, logger: logger)
        entry.withLock { $0 = Entry(configuration: configuration, providers: made) }
        return made
    }
}

/// A URL Steward clones rather than opens.
enum RemoteURL {
    static func isRemote(_ repo: String) -> Bool {
        repo.contains("://") || (repo.contains("@") && repo.contains(":") && !repo.hasPrefix("/"))
    }
}

/// An error that ends a command with exit code 1 and a message on standard error.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
