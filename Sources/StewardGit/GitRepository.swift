import CLibGit2
import Logging

/// A git repository read through libgit2: a local checkout, or a cached clone of a remote.
///
/// Every libgit2 object stays inside this actor; only values (ids as hex, strings,
/// bytes) leave it. The actor runs on its own serial queue, so blocking libgit2 calls
/// (fetches, large tree walks) do not hold a thread of the cooperative pool.
public actor GitRepository {
    /// The folder the repository was opened at: the work tree, or the bare repository.
    public nonisolated let path: String
    /// Whether the repository has no work tree (a bare repository or a remote cache).
    public nonisolated let isBare: Bool
    /// The remote this repository caches, for repositories opened with `openRemote`.
    let remote: RemoteTransport?
    var handle: RepositoryHandle
    let logger: Logger
    private let executor: SerialQueueExecutor

    /// The serial queue every call on this repository runs on.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    init(handle: sending RepositoryHandle, remote: RemoteTransport?, logger: Logger) {
        let workdir = git_repository_workdir(handle.pointer).map { String(cString: $0) }
        let gitdir = String(cString: git_repository_path(handle.pointer))
        self.path = (workdir ?? gitdir).trimmingSuffix(while: { $0 == "/" })
        self.isBare = git_repository_is_bare(handle.pointer) == 1
        self.handle = handle
        self.remote = remote
        self.logger = logger
        self.executor = SerialQueueExecutor(label: "steward.git.repository")
    }

    /// Opens the repository at `path` or, searching upward, the one containing it.
    ///
    /// Works for work trees and bare repositories, whoever owns the files. `logger`
    /// receives debug messages only; without one nothing is logged.
    public static func open(at path: String, logger: Logger? = nil) throws -> GitRepository {
        _ = LibGit2.ready
        let logger = logger ?? Logger.quiet
        var pointer: OpaquePointer?
        let code = git_repository_open_ext(&pointer, path, 0, nil)
        guard code == 0, let pointer else {
            if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
            throw GitError.libgit2(code: code, message: LibGit2.lastMessage())
        }
        let repository = GitRepository(handle: RepositoryHandle(pointer), remote: nil, logger: logger)
        logger.debug("opened git repository", metadata: ["git.path": "\(repository.path)"])
        return repository
    }
}
