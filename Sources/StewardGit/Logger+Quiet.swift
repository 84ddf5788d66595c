import Logging

extension Logger {
    /// A logger that drops everything: the default when the caller passes none.
    static var quiet: Logger {
        Logger(label: "steward.git", factory: { _ in SwiftLogNoOpLogHandler() })
    }
}
