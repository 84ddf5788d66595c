import Foundation
import Logging
import StewardCore
import StewardGit
import StewardRuntime

/// Steps the commands share.
enum Session {
    /// Loads the manifests, saying on standard error when uncommitted changes were not read.
    static func load(_ repository: LibGit2Source, _ options: SourceOptions, logger: Logger) async throws -> DesiredState {
        let reconciler = Composition.reconciler(repository, path: options.manifestsPath, logger: logger)
        await noteUncommitted(repository, options)
        return try await reconciler.load(revision: options.revision)
    }

    /// Says on standard error when uncommitted changes under the manifests folder are not read.
    static func noteUncommitted(_ repository: LibGit2Source, _ options: SourceOptions) async {
        if (try? await repository.hasUncommittedChanges(under: options.manifestsPath)) == true {
            Terminal.err("note: uncommitted changes under '\(options.manifestsPath)' were not read; Steward reads committed content only")
        }
    }

    /// Diagnostics on standard error.
    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
    }
}
