import Logging
import StewardCore

/// The reconcile a task works for, carried by task-local values so that every log line of a reconcile,
/// from any library and any child task, names its reconcile id and revision.
///
/// Bootstrap logging with `ReconcileContext.metadataProvider` and run a reconcile inside `with(id:revision:_:)`.
public enum ReconcileContext {
    @TaskLocal public static var id: String?
    @TaskLocal public static var revision: String?

    /// Runs `body` as part of reconcile `id` at `revision` (nil keeps the revision already set).
    public static func with<T: Sendable>(id: String, revision: String? = nil,
                                         _ body: () async throws -> T) async rethrows -> T {
        try await $id.withValue(id) {
            try await $revision.withValue(revision ?? self.revision) { try await body() }
        }
    }

    /// Runs `body` with the revision set, inside the current reconcile.
    public static func with<T: Sendable>(revision: String, _ body: () async throws -> T) async rethrows -> T {
        try await $revision.withValue(revision) { try await body() }
    }

    /// A new reconcile id: time and randomness, sortable.
    public static func newID(now: Instant) -> String {
        let random = (0..<6).map { _ in
            let byte = UInt8.random(in: 0...255)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        return "r\(now.millisecondsSinceEpoch)-\(random)"
    }

    /// `reconcile.id` and `git.revision` of the current task, for `LoggingSystem.bootstrap(_:metadataProvider:)`.
    public static let metadataProvider = Logger.MetadataProvider {
        var metadata: Logger.Metadata = [:]
        if let id { metadata["reconcile.id"] = "\(id)" }
        if let revision { metadata["git.revision"] = "\(revision)" }
        return metadata
    }
}
