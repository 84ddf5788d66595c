import Foundation
import StewardRuntime

/// `steward status` for a terminal.
extension StatusReport {
    /// A text report for a terminal.
    func text() -> String {
        var out = ""
        if let last = lastReconcile {
            out += "Last reconcile \(last.id) at \(last.revision.prefix(7)): \(last.outcome) (\(last.summary)), \(last.finishedAt ?? last.startedAt)\n"
        } else {
            out += "No reconcile recorded yet: run 'steward apply'.\n"
        }
        if !resources.isEmpty {
            out += "\nResources\n"
            let width = resources.map(\.resource.count).max() ?? 0
            let typeWidth = resources.map(\.condition.type.count).max() ?? 0
            for entry in resources {
                out += "  \(entry.resource.padding(toLength: width, withPad: " ", startingAt: 0))  "
                out += "\(entry.condition.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0))  "
                out += "\(entry.condition.reason): \(entry.condition.message) [\(entry.revision.prefix(7))]\n"
            }
        }
        let byEvaluation = Dictionary(grouping: evaluations, by: \.evaluation)
        for name in byEvaluation.keys.sorted() {
            let records = byEvaluation[name]!
            out += "\nEvaluation/\(name) (threshold \(String(format: "%.2f", records.last!.threshold)))\n"
            out += EvaluationChart.render(records.map { ($0.batch, $0.model, $0.samples, $0.accuracy, $0.threshold, $0.passed) })
        }
        if !recentActions.isEmpty {
            out += "\nRecent actions\n"
            for action in recentActions.prefix(10) where action.phase == "end" {
                out += "  \(action.at)  \(action.operation) \(action.resource): \(action.outcome ?? "")\(action.detail.map { " (\($0))" } ?? "")\n"
            }
        }
        return out
    }
}

/// A small text chart of accuracy per batch against the threshold.
enum EvaluationChart {
    /// One row per evaluation: batch, model, samples, a bar with the threshold marked `|`, accuracy and decision.
    static func render(_ rows: [(batch: String, model: String, samples: Int, accuracy: Double, threshold: Double, passed: Bool)],
                       width: Int = 30) -> String {
        let batchWidth = max(5, rows.map { shortBatch($0.batch).count }.max() ?? 0)
        let modelWidth = max(5, rows.map { shortModel($0.model).count }.max() ?? 0)
        var out = "  \("batch".padding(toLength: batchWidth, withPad: " ", startingAt: 0))  \("model".padding(toLength: modelWidth, withPad: " ", startingAt: 0))  samples  accuracy\n"
        for row in rows {
            let filled = Int((row.accuracy * Double(width)).rounded())
            let mark = min(width - 1, Int((row.threshold * Double(width)).rounded()))
            var bar = ""
            for i in 0..<width {
                if i == mark { bar += "|" } else { bar += i < filled ? "█" : "·" }
            }
            out += "  \(shortBatch(row.batch).padding(toLength: batchWidth, withPad: " ", startingAt: 0))  "
            out += "\(shortModel(row.model).padding(toLength: modelWidth, withPad: " ", startingAt: 0))  "
            out += "\(String(row.samples).leftPad(7))  \(bar) \(String(format: "%.2f", row.accuracy)) \(row.passed ? "pass" : "FAIL")\n"
        }
        return out
    }

    static func shortBatch(_ batch: String) -> String { StatusReport.shortName(batch) }

    static func shortModel(_ model: String) -> String { StatusReport.shortName(model) }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
