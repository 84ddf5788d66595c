import Foundation
import StewardCore
import StewardRuntime

/// A repository in memory: commit → files (path relative to the repository root).
final class InMemorySource: Source, @unchecked Sendable {
    private let commits: [String: [SourceFile]]
    private let lock = NSLock()
    private var exportCount = 0

    init(_ commits: [String: [SourceFile]]) { self.commits = commits }

    /// How many times `export` ran.
    var exports: Int { lock.withLock { exportCount } }

    func resolve(_ revision: String) async throws -> String {
        guard commits[revision] != nil else { throw RuntimeError.notFound("revision '\(revision)'") }
        return revision
    }

    func manifestFiles(under folder: RepositoryPath, at commit: String, maximumSize: Int) async throws -> [SourceFile] {
        try files(at: commit).filter { folder.contains(RepositoryPath(unchecked: $0.path)) }
    }

    func facts(for queries: SourceQueries, at commit: String) async throws -> SourceFacts {
        SourceFacts(revision: commit)
    }

    func files(under folder: RepositoryPath, excluding: RepositoryPath?, at commit: String) async throws -> [SourceFile] {
        try files(at: commit).compactMap { file in
            let path = RepositoryPath(unchecked: file.path)
            guard let relative = folder.relative(path), !relative.isEmpty else { return nil }
            if let excluding, excluding.contains(path) { return nil }
            return SourceFile(path: relative, bytes: file.bytes, executable: file.executable)
        }
    }

    func export(_ folder: RepositoryPath, excluding: RepositoryPath?, at commit: String, to directory: String) async throws {
        lock.withLock { exportCount += 1 }
        for file in try await files(under: folder, excluding: excluding, at: commit) {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
            if file.executable {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            }
        }
    }

    func read(_ path: RepositoryPath, at commit: String) async throws -> [UInt8] {
        guard let file = try files(at: commit).first(where: { $0.path == path.value }) else {
            throw RuntimeError.notFound("'\(path)' at \(commit)")
        }
        return file.bytes
    }

    func hasUncommittedChanges(under folder: RepositoryPath) async throws -> Bool { false }

    private func files(at commit: String) throws -> [SourceFile] {
        guard let files = commits[commit] else { throw RuntimeError.notFound("commit '\(commit)'") }
        return files
    }
}
