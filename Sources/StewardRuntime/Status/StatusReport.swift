import Foundation
import StewardCore

/// What `steward status` shows: conditions, evaluation history, the last reconcile and recent actions.
public struct StatusReport: Sendable, Codable {
    public struct ResourceEntry: Sendable, Codable {
        public var resource: String
        public var condition: ConditionEntry
        /// The full commit id the condition was computed from.
        public var revision: String
        public var updatedAt: String
    }

    public struct ConditionEntry: Sendable, Codable {
        public var type: String
        public var reason: String
        public var message: String
    }

    public struct EvaluationEntry: Sendable, Codable {
        public var evaluation: String
        public var batch: String
        public var model: String
        public var samples: Int
        public var correct: Int
        public var errors: Int
        public var missing: Int
        public var accuracy: Double
        public var threshold: Double
        public var passed: Bool
        public var recordedAt: String
    }

    public struct ReconcileEntry: Sendable, Codable {
        public var id: String
        public var revision: String
        public var outcome: String
        public var startedAt: String
        public var finishedAt: String?
        public var summary: String
    }

    public struct ActionEntry: Sendable, Codable {
        public var resource: String
        public var operation: String
        public var phase: String
        public var outcome: String?
        public var detail: String?
        public var at: String
    }

    public var resources: [ResourceEntry]
    /// Oldest first.
    public var evaluations: [EvaluationEntry]
    public var lastReconcile: ReconcileEntry?
    /// Newest first.
    public var recentActions: [ActionEntry]

    /// Reads everything from the store.
    public static func load(from store: any StateStore, actions: Int = 20) async throws -> StatusReport {
        let conditions = try await store.conditions().sorted { $0.resource < $1.resource }
        let evaluations = try await store.evaluations()
        let last = try await store.reconciles(limit: 1).first
        let journal = try await store.recentJournal(limit: actions)
        return StatusReport(
            resources: conditions.map {
                ResourceEntry(resource: $0.resource.description,
                              condition: ConditionEntry(type: $0.condition.type.rawValue, reason: $0.condition.reason,
                                                        message: $0.condition.message),
                              revision: $0.revision, updatedAt: $0.updatedAt.iso8601)
            },
            evaluations: evaluations.map {
                EvaluationEntry(evaluation: $0.evaluation, batch: $0.batch, model: $0.model, samples: $0.samples,
                                correct: $0.correct, errors: $0.errors, missing: $0.missing, accuracy: $0.accuracy,
                                threshold: $0.threshold, passed: $0.passed, recordedAt: $0.recordedAt.iso8601)
            },
            lastReconcile: last.map {
                ReconcileEntry(id: $0.id, revision: $0.revision, outcome: $0.outcome.rawValue,
                               startedAt: $0.startedAt.iso8601, finishedAt: $0.finishedAt?.iso8601, summary: $0.summary)
            },
            recentActions: journal.map {
                ActionEntry(resource: $0.resource.description, operation: $0.operation.rawValue, phase: $0.phase.rawValue,
                            outcome: $0.outcome, detail: $0.detail, at: $0.at.iso8601)
            }
        )
    }

    /// The documented JSON form.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A text report for a terminal.
    public func text() -> String {
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
public enum EvaluationChart {
    /// One row per evaluation: batch, model, samples, a bar with the threshold marked `|`, accuracy and decision.
    public static func render(_ rows: [(batch: String, model: String, samples: Int, accuracy: Double, threshold: Double, passed: Bool)],
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

    static func shortBatch(_ batch: String) -> String {
        batch.split(separator: "/").last.map(String.init) ?? batch
    }

    static func shortModel(_ model: String) -> String {
        model.split(separator: "/").last.map(String.init) ?? model
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
