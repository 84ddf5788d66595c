import StewardCore

/// A file of the repository at a commit.
public struct SourceFile: Sendable, Hashable {
    /// Relative to the repository root for `Source.manifestFiles`, to the folder read for `Source.files`.
    public var path: String
    /// The content; empty when the file was too large to read (`size` says how large).
    public var bytes: [UInt8]
    public var executable: Bool
    /// The file's size in bytes, known without reading it.
    public var size: Int

    public init(path: String, bytes: [UInt8], executable: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.executable = executable
        self.size = bytes.count
    }

    /// A file too large to be read: only its size.
    public init(path: String, unreadSize size: Int) {
        self.path = path
        self.bytes = []
        self.executable = false
        self.size = size
    }

    /// Whether the content was left unread for its size.
    public var isUnread: Bool { size != bytes.count }
}

/// The desired state's origin: a git repository read at a commit (committed content only).
public protocol Source: Sendable {
    /// Resolves a branch, tag, sha or `HEAD` to a full commit id.
    func resolve(_ revision: String) async throws -> String
    /// Every file under a folder at a commit, paths relative to the repository root; empty when the folder is absent.
    /// Files over `maximumSize` bytes come back unread, with their size only.
    func manifestFiles(under folder: RepositoryPath, at commit: String, maximumSize: Int) async throws -> [SourceFile]
    /// Answers the planner's questions: tree ids, blob ids, changed paths.
    func facts(for queries: SourceQueries, at commit: String) async throws -> SourceFacts
    /// The files of a folder at a commit, optionally without a sub-path; paths relative to the folder.
    func files(under folder: RepositoryPath, excluding: RepositoryPath?, at commit: String) async throws -> [SourceFile]
    /// Writes the files of a folder at a commit into a directory (keeping the executable bit).
    func export(_ folder: RepositoryPath, excluding: RepositoryPath?, at commit: String, to directory: String) async throws
    /// One file's content at a commit.
    func read(_ path: RepositoryPath, at commit: String) async throws -> [UInt8]
    /// Whether the working tree has uncommitted changes under a folder (false for remote sources).
    func hasUncommittedChanges(under folder: RepositoryPath) async throws -> Bool
}
