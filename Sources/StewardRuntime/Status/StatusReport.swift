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
        /// The bounded code of the error an action met, when the condition reports one (`permission_denied`).
        public var code: String?

        public init(type: String, reason: String, message: String, code: String? = nil) {
            self.type = type
            self.reason = reason
            self.message = message
            self.code = code
        }
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
                                                        message: $0.condition.message, code: $0.condition.code),
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

    /// The last segment of a batch folder or a model name (`gs://b/collection/2026-11` → `2026-11`), for
    /// people's displays.
    public static func shortName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
