import Foundation
import Logging
import StewardCore
import StewardGit
import StewardLocal
import StewardRuntime
import StewardStore

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

    /// Resolves a path against the current directory, like Terraform's `.terraform/`.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
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
