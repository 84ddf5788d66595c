import Logging
import StewardCore
import StewardRuntime

/// The `Source` port over a git repository through libgit2: a local repository, or a remote's cached clone.
public final class LibGit2Source: Source {
    public let repository: GitRepository

    public init(repository: GitRepository) {
        self.repository = repository
    }

    /// Opens the local repository at (or above) `path`.
    public static func open(path: String, logger: Logger) async throws -> LibGit2Source {
        LibGit2Source(repository: try GitRepository.open(at: path, logger: logger))
    }

    /// Clones the remote into a cache on first use and fetches into it afterwards.
    public static func remote(url: String, cacheDirectory: String, token: String?, logger: Logger) async throws -> LibGit2Source {
        LibGit2Source(repository: try await GitRepository.openRemote(url: url, cacheDirectory: cacheDirectory, token: token,
                                                                      logger: logger))
    }

    public func resolve(_ revision: String) async throws -> String {
        try await healing { try await repository.resolve(revision).hex }
    }

    public func manifestFiles(under folder: StewardCore.RepositoryPath, at commit: String, maximumSize: Int) async throws -> [SourceFile] {
        let id = try commitID(commit)
        return try await healing {
            guard try await repository.treeID(of: folder.value, at: id) != nil else { return [] }
            return try await repository.readFiles(under: folder.value, at: id, maximumSize: maximumSize).map { file in
                file.bytes.map { SourceFile(path: file.path, bytes: $0) } ?? SourceFile(path: file.path, unreadSize: file.size)
            }
        }
    }

    public func facts(for queries: SourceQueries, at commit: String) async throws -> SourceFacts {
        let id = try commitID(commit)
        var facts = SourceFacts(revision: commit)
        for query in queries.trees {
            let tree: String?
            if let excluding = query.excluding {
                tree = try await repository.treeID(of: query.path.value, at: id) == nil
                    ? nil
                    : try await repository.treeID(of: query.path.value, excluding: excluding.value, at: id)
            } else {
                tree = try await repository.treeID(of: query.path.value, at: id)
            }
            if let tree { facts.trees[query] = tree }
        }
        for path in queries.blobs {
            let files = try? await repository.listFiles(under: path.value, at: id)
            if let file = files?.first(where: { $0.path == path.value }) { facts.blobs[path] = file.blobID }
        }
        for query in queries.changes {
            // An earlier commit this clone does not have (history rewritten): the reason says less, nothing breaks.
            guard let from = CommitID(hex: query.from),
                  let changed = try? await repository.changedPaths(from: from, to: id, under: query.path.value) else { continue }
            facts.changes[query] = changed
        }
        return facts
    }

    public func files(under folder: StewardCore.RepositoryPath, excluding: StewardCore.RepositoryPath?,
                      at commit: String) async throws -> [SourceFile] {
        let id = try commitID(commit)
        return try await healing {
            let listed = try await repository.listFiles(under: folder.value, at: id)
            let prefix = folder.value.isEmpty ? "" : folder.value + "/"
            var out: [SourceFile] = []
            out.reserveCapacity(listed.count)
            for file in listed {
                if let excluding, excluding.contains(StewardCore.RepositoryPath(unchecked: file.path)) { continue }
                guard file.mode != .symlink else { continue }
                let bytes = try await repository.readBlob(file.blobID)
                out.append(SourceFile(path: String(file.path.dropFirst(prefix.count)), bytes: bytes,
                                      executable: file.mode == .executable))
            }
            return out
        }
    }

    public func export(_ folder: StewardCore.RepositoryPath, excluding: StewardCore.RepositoryPath?, at commit: String,
                       to directory: String) async throws {
        // Not healed and tried again here: a second export would meet the first one's files in `directory`.
        try await repository.export(path: folder.value, excluding: excluding?.value, at: try commitID(commit), to: directory)
    }

    public func read(_ path: StewardCore.RepositoryPath, at commit: String) async throws -> [UInt8] {
        let id = try commitID(commit)
        return try await healing { try await repository.readFile(path.value, at: id) }
    }

    public func hasUncommittedChanges(under folder: StewardCore.RepositoryPath) async throws -> Bool {
        if repository.isRemote || repository.isBare { return false }
        return try await repository.hasUncommittedChanges(under: folder.value)
    }

    /// Runs a read; when a remote's cache turns out unreadable, it is cloned afresh and the read runs once more.
    private func healing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard try await repository.healAfter(error) else { throw error }
            return try await body()
        }
    }

    private func commitID(_ hex: String) throws -> CommitID {
        guard let id = CommitID(hex: hex) else { throw GitError.unknownRevision(hex) }
        return id
    }
}
