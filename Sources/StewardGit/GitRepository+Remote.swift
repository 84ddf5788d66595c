import CLibGit2
import Foundation
import Logging

extension GitRepository {
    /// Opens a cached bare clone of the remote at `url`, cloning it on first use and
    /// fetching into it on every later call.
    ///
    /// `url` may be `https://`, `file://` or a plain local path. The cache lives in
    /// `cacheDirectory`, one folder per URL named from the URL and its hash. Branches are
    /// fetched as `origin/<branch>` with forced updates, so a force-pushed branch still
    /// fetches. `token`, when given, answers https credential requests as user
    /// `x-access-token`; it never appears in an error or a log line.
    public static func openRemote(
        url: String,
        cacheDirectory: String,
        token: String? = nil,
        logger: Logger? = nil
    ) async throws -> GitRepository {
        _ = LibGit2.ready
        let logger = logger ?? Logger.quiet
        let transport = RemoteTransport(location: RemoteLocation(url, token: token), token: token)
        let cachePath = URL(fileURLWithPath: cacheDirectory)
            .appendingPathComponent(transport.location.cacheName).standardizedFileURL.path
        let files = FileManager.default
        // A file where the cache folder should be (a stray copy, a broken mount) is moved aside like a broken cache.
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: cacheDirectory, isDirectory: &isFolder), !isFolder.boolValue {
            try moveAside(cacheDirectory, because: "it is not a folder", logger: logger)
        }
        if files.fileExists(atPath: cachePath) {
            do {
                let repository = try openCache(at: cachePath, transport: transport, logger: logger)
                var fetchError: (any Error)?
                do { try await repository.fetch() } catch { fetchError = error }
                do {
                    try await repository.verifyReadable()
                } catch {
                    throw UnreadableCache(cause: error)
                }
                // The cache is sound: the remote is what failed, and the cache is left as it is.
                if let fetchError { throw fetchError }
                return repository
            } catch let error as UnreadableCache {
                try moveAside(cachePath, because: "\(error.cause)", logger: logger)
            } catch GitError.notARepository {
                try moveAside(cachePath, because: "it is not a git repository", logger: logger)
            } catch GitError.libgit2(let code, let message) {
                try moveAside(cachePath, because: "libgit2 error \(code): \(message)", logger: logger)
            }
        }
        let pointer = try await cloneIntoPlace(transport, cachePath: cachePath, logger: logger)
        return GitRepository(handle: RepositoryHandle(pointer), remote: transport, logger: logger)
    }

    /// Clones beside the final folder and renames it into place, so an interrupted clone never looks like a
    /// cache and two processes cloning at once both end up valid; returns the opened clone.
    private static func cloneIntoPlace(_ transport: RemoteTransport, cachePath: String, logger: Logger) async throws -> OpaquePointer {
        let files = FileManager.default
        let cacheDirectory = (cachePath as NSString).deletingLastPathComponent
        try files.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let staging = cachePath + ".partial-" + UUID().uuidString
        logger.debug("cloning git remote", metadata: ["git.url": "\(transport.location.displayURL)", "git.cache": "\(cachePath)"])
        do {
            try await SerialQueueExecutor.offload { try transport.clone(into: staging, logger: logger) }
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
        if rename(staging, cachePath) != 0 {
            try? files.removeItem(atPath: staging)
            guard files.fileExists(atPath: cachePath) else {
                throw GitError.libgit2(code: -1, message: "cannot move the new clone to '\(cachePath)': \(String(cString: strerror(errno)))")
            }
        }
        return try openPointer(at: cachePath)
    }

    /// How many moved-aside caches are kept beside the cache for a post-mortem; older ones are deleted.
    static let keptBrokenCaches = 3

    /// Renames an unreadable cache (or a file in the cache's place) to `<path>.broken-<time>`, keeps the newest
    /// few of those, and says so: on standard error through the logger, and in the log.
    @discardableResult
    static func moveAside(_ path: String, because reason: String, logger: Logger) throws -> String {
        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false)
            .timeSeparator(.omitted).dateSeparator(.omitted).timeZoneSeparator(.omitted))
        var aside = path + ".broken-" + stamp
        if FileManager.default.fileExists(atPath: aside) { aside += "-" + UUID().uuidString.prefix(8) }
        guard rename(path, aside) == 0 else {
            throw GitError.libgit2(code: -1, message: "cannot move the unreadable git cache '\(path)' aside: \(String(cString: strerror(errno)))")
        }
        logger.warning("the git cache could not be read (\(reason)); moved it to '\(aside)' and cloning afresh",
                       metadata: ["git.cache": "\(path)", "git.cache.moved_to": "\(aside)"])
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".broken-"
        let broken = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
        for old in broken.dropLast(keptBrokenCaches) { try? FileManager.default.removeItem(atPath: folder + "/" + old) }
        return aside
    }

    private static func openCache(at path: String, transport: RemoteTransport, logger: Logger) throws -> GitRepository {
        GitRepository(handle: RepositoryHandle(try openPointer(at: path)), remote: transport, logger: logger)
    }

    private static func openPointer(at path: String) throws -> OpaquePointer {
        var pointer: OpaquePointer?
        let code = git_repository_open_ext(&pointer, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        guard code == 0, let pointer else {
            if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
            throw GitError.libgit2(code: code, message: LibGit2.lastMessage())
        }
        return pointer
    }

    /// Reads what every command needs first from a cache: the commit of each fetched branch and its root tree.
    /// Throws what could not be read. Cheap, as it runs on every open; damage deeper in a tree is found when a
    /// read fails (`healAfter`).
    func verifyReadable() throws {
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_glob_new(&iterator, handle.pointer, "refs/remotes/origin/*"))
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        while true {
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code)
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            var commit: OpaquePointer?
            let peeled = git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT)
            guard peeled == 0 else {
                throw GitError.libgit2(code: peeled, message: "'\(name)': \(LibGit2.lastMessage())")
            }
            defer { git_object_free(commit) }
            var tree: OpaquePointer?
            let treeCode = git_commit_tree(&tree, commit)
            guard treeCode == 0 else {
                throw GitError.libgit2(code: treeCode, message: "the tree of '\(name)': \(LibGit2.lastMessage())")
            }
            git_tree_free(tree)
        }
    }

    /// After a read of a remote's cache failed: when the failure is libgit2's own (an object it could not
    /// inflate) or the cache no longer reads, moves the cache aside, clones afresh in its place and returns
    /// true, so the caller can try once more. A remote that cannot be reached, or a local repository, is
    /// left alone (false).
    public func healAfter(_ error: any Error) async throws -> Bool {
        guard let remote else { return false }
        switch error as? GitError {
        case .libgit2?:
            break
        case .unknownRevision?, .unreachableRemote?, .pathNotFound?, .notAFolder?, .notAFile?:
            // Maybe the commit or path is simply not there; heal only when the cache itself does not read.
            guard (try? verifyReadable()) == nil else { return false }
        default:
            return false
        }
        try Self.moveAside(path, because: "\(error)", logger: logger)
        handle = RepositoryHandle(try await Self.cloneIntoPlace(remote, cachePath: path, logger: logger))
        return true
    }

    /// Whether this repository is a cache of a remote (opened with `openRemote`).
    public nonisolated var isRemote: Bool { remote != nil }

    /// Fetches all branches (forced) and tags from the remote into the cache.
    public func fetch() throws {
        guard let remote else { throw GitError.noRemote(path: path) }
        try remote.fetch(into: handle.pointer, logger: logger)
    }

    /// The commit the remote's branch points to now, asked without fetching; nil when
    /// the remote has no such branch.
    ///
    /// Cheap enough to poll: compare it with `resolve(branch)` and fetch only when they differ.
    public func remoteBranchHead(_ branch: String) throws -> String? {
        guard let remote else { throw GitError.noRemote(path: path) }
        return try remote.head(of: branch, repository: handle.pointer)
    }
}

/// A cache whose branches or default tree cannot be read after a fetch.
private struct UnreadableCache: Error {
    var cause: any Error
}
