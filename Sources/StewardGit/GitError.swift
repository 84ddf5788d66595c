/// What went wrong reading a git repository, with a hint on what to do next.
public enum GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path is neither a repository nor inside one.
    case notARepository(path: String)
    /// No branch, tag or commit has this name.
    case unknownRevision(String)
    /// Cloning, fetching or listing the remote failed; the message is already redacted.
    case unreachableRemote(url: String, message: String)
    /// The path is not in the tree of that commit.
    case pathNotFound(path: String, commit: CommitID)
    /// The path names a folder where a file was expected.
    case notAFile(path: String, commit: CommitID)
    /// The path names a file where a folder was expected.
    case notAFolder(path: String, commit: CommitID)
    /// The path is not a plain relative path inside the repository.
    case invalidPath(String)
    /// The repository was opened locally and has no remote to fetch or list.
    case noRemote(path: String)
    /// Any other libgit2 failure, with libgit2's code and message.
    case libgit2(code: Int32, message: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .notARepository(let path):
            return "'\(path)' is not a git repository; run 'git init' or pass --repo"
        case .unknownRevision(let revision):
            return "unknown revision '\(revision)'; use a branch, tag or commit id that exists in the repository"
                + " (fetch first if it was pushed recently)"
        case .unreachableRemote(let url, let message):
            return "cannot fetch from '\(url)': \(message); check the URL, the network and the access token"
        case .pathNotFound(let path, let commit):
            return "'\(path)' does not exist at commit \(commit.short); check the path, relative to the repository root"
        case .notAFile(let path, let commit):
            return "'\(path)' is a folder at commit \(commit.short), not a file; name a file inside it"
        case .notAFolder(let path, let commit):
            return "'\(path)' is a file at commit \(commit.short), not a folder; name the folder that contains it"
        case .invalidPath(let path):
            return "'\(path)' is not a valid repository path; use a relative path inside the repository without '..'"
        case .noRemote(let path):
            return "'\(path)' was opened as a local repository and has no remote to fetch; open it by URL instead"
        case .libgit2(let code, let message):
            return "libgit2 error \(code): \(message)"
        }
    }
}
