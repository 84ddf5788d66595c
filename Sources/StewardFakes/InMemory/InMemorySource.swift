import StewardCore
import StewardRuntime

/// A `Source` holding one commit's files in memory; only what the image builder reads is implemented.
public struct InMemorySource: Source {
    public var commit: String
    /// Repository-relative paths.
    public var files: [SourceFile]

    public init(commit: String, files: [SourceFile]) {
        self.commit = commit
        self.files = files
    }

    public func resolve(_ revision: String) async throws -> String { commit }

    public func manifestFiles(under folder: RepositoryPath, at commit: String, maximumSize: Int) async throws -> [SourceFile] {
        files.filter { folder.contains(RepositoryPath(unchecked: $0.path)) }
            .map { $0.size > maximumSize ? SourceFile(path: $0.path, unreadSize: $0.size) : $0 }
    }

    public func facts(for queries: SourceQueries, at commit: String) async throws -> SourceFacts {
        throw RuntimeError(code: "invalid", message: "not used by these tests")
    }

    public func files(under folder: RepositoryPath, excluding: RepositoryPath?, at commit: String) async throws -> [SourceFile] {
        guard commit == self.commit else { throw RuntimeError.notFound("commit \(commit)") }
        return files.compactMap { file in
            let path = RepositoryPath(unchecked: file.path)
            if let excluding, excluding.contains(path) { return nil }
            guard let relative = folder.relative(path), !relative.isEmpty else { return nil }
            return SourceFile(path: relative, bytes: file.bytes, executable: file.executable)
        }
    }

    public func export(_ folder: RepositoryPath, excluding: RepositoryPath?, at commit: String, to directory: String) async throws {
        throw RuntimeError(code: "invalid", message: "not used by these tests")
    }

    public func read(_ path: RepositoryPath, at commit: String) async throws -> [UInt8] {
        guard let file = files.first(where: { $0.path == path.value }) else { throw RuntimeError.notFound("file '\(path)'") }
        return file.bytes
    }

    public func hasUncommittedChanges(under folder: RepositoryPath) async throws -> Bool { false }
}
