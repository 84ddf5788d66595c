import GRDB

extension DatabaseWriter {
    /// Runs `updates` in one transaction and waits for it, even when the calling task is cancelled.
    ///
    /// GRDB's `async` writes give up in a cancelled task. The store's writes record what already
    /// happened (a side effect's `end`, a reconcile `interrupted` at shutdown), and are made
    /// exactly when a service is being cancelled; they are short, so they run to completion.
    @discardableResult
    func writeToCompletion<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            asyncWrite(updates) { _, result in continuation.resume(with: result) }
        }
    }
}
