import CLibGit2
import Logging

/// Fetches from and lists one remote into a libgit2 repository handle.
///
/// A value type holding only the location and the token; the handle is passed in by the
/// caller that owns it (the repository actor, or the first clone before the actor exists).
struct RemoteTransport: Sendable {
    /// Branches are mirrored as remote-tracking refs, forced so history rewrites fetch;
    /// tags are forced too, so a moved tag follows the remote.
    static let refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]

    let location: RemoteLocation
    let token: String?

    /// Makes a bare repository at `path` and fetches everything into it.
    func clone(into path: String, logger: Logger) throws {
        _ = LibGit2.ready
        var pointer: OpaquePointer?
        try LibGit2.check(git_repository_init(&pointer, path, 1))
        guard let pointer else { throw GitError.libgit2(code: -1, message: "git_repository_init returned no repository") }
        defer { git_repository_free(pointer) }
        try fetch(into: pointer, logger: logger)
    }

    /// Fetches all branches and tags into `repository` and points `origin/HEAD` at the
    /// remote's default branch.
    func fetch(into repository: OpaquePointer, logger: Logger) throws {
        let remote = try originRemote(in: repository)
        defer { git_remote_free(remote) }
        logger.debug("fetching git remote", metadata: ["git.url": "\(location.displayURL)"])
        let credentials = RemoteCredentials(token: token)
        try credentials.withCallbacks { callbacks in
            var options = git_fetch_options()
            git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
            options.callbacks = callbacks
            options.prune = GIT_FETCH_PRUNE
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            options.proxy_opts.type = GIT_PROXY_AUTO
            let code = LibGit2.withStringArray(Self.refspecs) { refspecs in
                git_remote_fetch(remote, refspecs, &options, "steward: fetch")
            }
            if code < 0 { throw unreachable() }
        }
        // The advertised refs stay readable after the fetch disconnected.
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        if git_remote_default_branch(&buffer, remote) == 0, let name = buffer.ptr.map({ String(cString: $0) }),
           name.hasPrefix("refs/heads/") {
            let target = "refs/remotes/origin/" + name.dropFirst("refs/heads/".count)
            var reference: OpaquePointer?
            try LibGit2.check(git_reference_symbolic_create(
                &reference, repository, "refs/remotes/origin/HEAD", target, 1, "steward: remote HEAD"
            ))
            git_reference_free(reference)
        }
        logger.debug("fetched git remote", metadata: ["git.url": "\(location.displayURL)"])
    }

    /// The commit the remote's `refs/heads/<branch>` points to, listed without fetching;
    /// nil when the remote has no such branch. `HEAD` and full ref names are taken as is.
    func head(of branch: String, repository: OpaquePointer) throws -> String? {
        let wanted = branch == "HEAD" || branch.hasPrefix("refs/") ? branch : "refs/heads/" + branch
        var remote: OpaquePointer?
        try LibGit2.check(git_remote_create_anonymous(&remote, repository, location.url))
        guard let remote else { return nil }
        defer { git_remote_free(remote) }
        let credentials = RemoteCredentials(token: token)
        return try credentials.withCallbacks { callbacks in
            var proxy = git_proxy_options()
            git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION))
            proxy.type = GIT_PROXY_AUTO
            if git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil) < 0 {
                throw unreachable()
            }
            defer { git_remote_disconnect(remote) }
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            if git_remote_ls(&heads, &count, remote) < 0 { throw unreachable() }
            for index in 0..<count {
                guard let head = heads?[index] else { continue }
                if String(cString: head.pointee.name) == wanted {
                    return withUnsafePointer(to: head.pointee.oid) { LibGit2.hex($0) }
                }
            }
            return nil
        }
    }

    /// The `origin` remote of `repository`, created (or re-pointed) at this location.
    private func originRemote(in repository: OpaquePointer) throws -> OpaquePointer {
        var remote: OpaquePointer?
        let lookup = git_remote_lookup(&remote, repository, "origin")
        if lookup == 0, let found = remote {
            if let current = git_remote_url(found), String(cString: current) == location.url { return found }
            git_remote_free(found)
            try LibGit2.check(git_remote_set_url(repository, "origin", location.url))
            try LibGit2.check(git_remote_lookup(&remote, repository, "origin"))
        } else if lookup == GIT_ENOTFOUND.rawValue {
            try LibGit2.check(git_remote_create_with_fetchspec(
                &remote, repository, "origin", location.url, Self.refspecs[0]
            ))
        } else {
            throw GitError.libgit2(code: lookup, message: location.redact(LibGit2.lastMessage()))
        }
        guard let remote else { throw GitError.libgit2(code: -1, message: "libgit2 returned no remote") }
        return remote
    }

    /// The error for a failed network step, read right after it, with secrets masked.
    private func unreachable() -> GitError {
        .unreachableRemote(url: location.displayURL, message: location.redact(LibGit2.lastMessage()))
    }
}
