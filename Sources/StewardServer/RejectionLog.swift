import Logging
import Synchronization

/// Logs refused webhook deliveries without letting a flood fill the disk: for each reason, the first
/// refusal is logged as it comes, and the ones after it within a minute are counted and summarised in one
/// line when that minute is over.
final class RejectionLog: Sendable {
    private struct Window {
        var started: ContinuousClock.Instant
        var suppressed = 0
        var summaryScheduled = false
    }

    private let logger: Logger
    private let window: Duration
    private let windows = Mutex<[String: Window]>([:])

    init(logger: Logger, window: Duration = .seconds(60)) {
        self.logger = logger
        self.window = window
    }

    /// One refused delivery: logged, or counted for the minute's summary.
    func refused(_ reason: String, _ message: String) {
        let now = ContinuousClock.now
        enum Step { case log(summary: Int), count(schedule: Bool) }
        let step: Step = windows.withLock { windows in
            if var open = windows[reason], now - open.started < window {
                open.suppressed += 1
                let schedule = !open.summaryScheduled
                open.summaryScheduled = true
                windows[reason] = open
                return .count(schedule: schedule)
            }
            let left = windows[reason]?.suppressed ?? 0
            windows[reason] = Window(started: now)
            return .log(summary: left)
        }
        switch step {
        case .log(let left):
            if left > 0 { summarise(reason, left) }
            logger.warning("webhook delivery refused: \(message)", metadata: ["webhook.rejected": "\(reason)"])
        case .count(let schedule):
            guard schedule else { return }
            Task { [self, window] in
                try? await Task.sleep(for: window)
                flush(reason)
            }
        }
    }

    /// Logs what the minute of `reason` counted, if its window is over.
    func flush(_ reason: String) {
        let now = ContinuousClock.now
        let left: Int = windows.withLock { windows in
            guard let open = windows[reason], now - open.started >= window, open.suppressed > 0 else { return 0 }
            windows[reason] = nil
            return open.suppressed
        }
        if left > 0 { summarise(reason, left) }
    }

    private func summarise(_ reason: String, _ count: Int) {
        logger.warning("\(count) more webhook deliver\(count == 1 ? "y" : "ies") refused (\(reason)) in the minute after the one logged",
                       metadata: ["webhook.rejected": "\(reason)", "webhook.rejected.count": "\(count)"])
    }
}
