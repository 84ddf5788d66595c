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
        if files.fileExists(atPath: cachePath) {
            do {
                let repository = try openCache(at: cachePath, transport: transport, logger: logger)
                try await repository.fetch()
                return repository
            } catch GitError.notARepository {
                // A cache left half-made by a crash: start it again rather than fail forever.
                logger.debug("discarding unreadable git cache", metadata: ["git.cache": "\(cachePath)"])
                try? files.removeItem(atPath: cachePath)
            }
        }
        try files.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        // Clone beside the final folder and rename it into place, so an interrupted clone
        // never looks like a cache and two processes cloning at once both end up valid.
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
        return try openCache(at: cachePath, transport: transport, logger: logger)
    }

    private static func openCache(at path: String, transport: RemoteTransport, logger: Logger) throws -> GitRepository {
        var pointer: OpaquePointer?
        let code = git_repository_open_ext(&pointer, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        guard code == 0, let pointer else {
            if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
            throw GitError.libgit2(code: code, message: LibGit2.lastMessage())
        }
        return GitRepository(handle: RepositoryHandle(pointer), remote: transport, logger: logger)
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
