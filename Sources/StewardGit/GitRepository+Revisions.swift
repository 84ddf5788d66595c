import CLibGit2
import Foundation

extension GitRepository {
    /// The full id of the commit `revision` names: a branch, a tag (annotated or
    /// lightweight), a full or short commit id, or `HEAD`, which is the default.
    ///
    /// In a remote cache, branches are the remote's (`origin/<branch>`) and `HEAD` is the
    /// remote's default branch. In a local repository a branch missing locally is looked
    /// up as `origin/<branch>`.
    public func resolve(_ revision: String = "HEAD") throws -> CommitID {
        let trimmed = revision.trimmingCharacters(in: .whitespaces)
        let wanted = trimmed.isEmpty ? "HEAD" : trimmed
        var candidates: [String] = []
        if wanted == "HEAD", remote != nil {
            candidates = ["refs/remotes/origin/HEAD"]
        } else {
            candidates = [wanted, "refs/remotes/origin/" + wanted]
        }
        for candidate in candidates {
            if let id = try peelToCommit(candidate) { return id }
        }
        throw GitError.unknownRevision(wanted)
    }

    /// The id, summary, author and time of a commit.
    public func commit(_ id: CommitID) throws -> CommitInfo {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        let author = git_commit_author(commit)
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        let name = author?.pointee.name.map { String(cString: $0) } ?? ""
        let email = author?.pointee.email.map { String(cString: $0) } ?? ""
        let seconds = author?.pointee.when.time ?? git_commit_time(commit)
        return CommitInfo(
            id: id, summary: summary, authorName: name, authorEmail: email,
            time: Date(timeIntervalSince1970: TimeInterval(seconds))
        )
    }

    /// The commit `spec` names, peeled through tags; nil when nothing has that name.
    private func peelToCommit(_ spec: String) throws -> CommitID? {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, handle.pointer, spec)
        guard code == 0, let object else {
            let notFound = [GIT_ENOTFOUND, GIT_EAMBIGUOUS, GIT_EINVALIDSPEC, GIT_EUNBORNBRANCH].map(\.rawValue)
            if notFound.contains(code) { return nil }
            throw GitError.libgit2(code: code, message: LibGit2.lastMessage())
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        // A name that reaches a tree or blob (a tag on a tree) is not a revision to read.
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else { return nil }
        defer { git_object_free(peeled) }
        return CommitID(hex: LibGit2.hex(git_object_id(peeled)))
    }

    /// Looks up a commit; the caller frees it.
    func lookupCommit(_ id: CommitID) throws -> OpaquePointer {
        var oid = try LibGit2.oid(id.hex)
        var commit: OpaquePointer?
        let code = git_commit_lookup(&commit, handle.pointer, &oid)
        guard code == 0, let commit else {
            if code == GIT_ENOTFOUND.rawValue { throw GitError.unknownRevision(id.hex) }
            throw GitError.libgit2(code: code, message: LibGit2.lastMessage())
        }
        return commit
    }
}
