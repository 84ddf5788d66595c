import CLibGit2
import StewardRuntime

/// Follows one branch of a repository for `steward serve`: a local repository's branch is read on every call;
/// a remote's is asked for with a listing (`git ls-remote`, no objects) and fetched only when it moved.
public final class BranchTracker: RevisionTracker {
    public let repository: GitRepository
    public let branch: String

    public init(repository: GitRepository, branch: String) {
        self.repository = repository
        self.branch = branch
    }

    /// The branch's commit; a remote's cache found unreadable on the way is cloned afresh, and asked once more.
    public func current(fetched: @Sendable (Duration) -> Void) async throws -> String {
        do {
            return try await look(fetched: fetched)
        } catch {
            guard try await repository.healAfter(error) else { throw error }
            return try await look(fetched: fetched)
        }
    }

    private func look(fetched: @Sendable (Duration) -> Void) async throws -> String {
        guard repository.isRemote else { return try await repository.resolve(branch).hex }
        let cached = try? await repository.resolve(branch).hex
        guard let remote = try await repository.remoteBranchHead(branch) else {
            throw GitError.unknownRevision("\(branch) (the remote has no such branch)")
        }
        if remote != cached {
            let started = ContinuousClock.now
            try await repository.fetch()
            fetched(ContinuousClock.now - started)
        }
        return try await repository.resolve(branch).hex
    }
}

extension GitRepository {
    /// The branch a local repository has checked out, or the default branch of a remote's cache; nil when
    /// `HEAD` is detached.
    public func headBranch() throws -> String? {
        let name = isRemote ? "refs/remotes/origin/HEAD" : "HEAD"
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, handle.pointer, name) == 0, let reference else { return nil }
        defer { git_reference_free(reference) }
        guard let target = git_reference_symbolic_target(reference).map({ String(cString: $0) }) else { return nil }
        for prefix in ["refs/remotes/origin/", "refs/heads/"] where target.hasPrefix(prefix) {
            return String(target.dropFirst(prefix.count))
        }
        return nil
    }
}
