import Foundation
import Logging
import StewardHTTP

/// A clock that moves only when the code under test sleeps; the sleeps are recorded.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var elapsed: Double = 0
    private var recorded: [Double] = []

    var delays: [Double] { lock.withLock { recorded } }

    /// Retry timing on this clock, with a fixed "random" number and a fixed wall-clock date.
    func timing(random: Double, date: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> RetryTiming {
        RetryTiming(
            now: { [self] in lock.withLock { elapsed } },
            date: { date },
            sleep: { [self] seconds in lock.withLock { recorded.append(seconds); elapsed += seconds } },
            random: { random })
    }
}

/// Keeps every log line (message and metadata) so tests can look for leaked secrets.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

/// A logger that drops everything.
let quietLogger: Logger = {
    var logger = Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .critical
    return logger
}()
