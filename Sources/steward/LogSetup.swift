import Foundation
import Logging
import StewardRuntime

/// Logging on standard error, as text or one JSON object per line. Every line logged while a reconcile runs
/// carries its `reconcile.id` and `git.revision` (`ReconcileContext`).
enum LogSetup {
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    static func bootstrap(format: LogFormat, level: Logger.Level) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap({ label, provider in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: label, logLevel: level, metadataProvider: provider)
            }
        }, metadataProvider: ReconcileContext.metadataProvider)
    }
}

/// One JSON object per line on standard error: time, level, message, label and metadata.
struct JSONLogHandler: LogHandler {
    var label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, logLevel: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "message": event.message.description,
            "logger": label,
        ]
        let provided = metadataProvider?.get() ?? [:]
        let merged = provided.merging(metadata, uniquingKeysWith: { $1 }).merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        for (key, value) in merged {
            object[key] = "\(value)"
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
