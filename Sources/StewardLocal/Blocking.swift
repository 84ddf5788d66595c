import Dispatch

/// Runs blocking file and process work on a Dispatch thread, off Swift's cooperative pool,
/// so that a slow disk or a `local.build` does not starve other tasks.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
