/// Where a watched branch points now, for a long-running reconciler.
public protocol RevisionTracker: Sendable {
    /// The full id of the commit to reconcile. A remote is asked where the branch points (a listing, no
    /// fetch) and fetched only when that differs from what was fetched last; `fetched` is told how long a
    /// fetch took, when one ran.
    func current(fetched: @Sendable (Duration) -> Void) async throws -> String
}
