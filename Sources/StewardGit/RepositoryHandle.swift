import CLibGit2

/// Owns one `git_repository` pointer and frees it when the repository actor goes away.
///
/// Not `Sendable`: libgit2 objects must not be used from two threads at once, so the
/// handle lives inside `GitRepository` and never leaves it.
final class RepositoryHandle {
    /// The libgit2 repository.
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }
}

@available(*, unavailable)
extension RepositoryHandle: Sendable {}
