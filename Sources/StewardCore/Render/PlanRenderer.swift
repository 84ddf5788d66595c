import Foundation

/// Renders a plan for people (text, markdown) and programs (JSON). Rendering never changes a plan.
public struct PlanRenderer: Sendable {
    public init() {}

    // MARK: Text

    /// One line per change: symbol, resource, operation, reason; then a summary line.
    public func text(_ plan: Plan) -> String {
        var lines: [String] = []
        let resourceWidth = plan.changes.map { $0.resource.description.count }.max() ?? 0
        let operationWidth = plan.changes.map { $0.operation.rawValue.count }.max() ?? 0
        for change in plan.changes {
            let resource = change.resource.description.padding(toLength: resourceWidth, withPad: " ", startingAt: 0)
            let operation = change.operation.rawValue.padding(toLength: operationWidth, withPad: " ", startingAt: 0)
            lines.append("\(change.action.symbol) \(resource)  \(operation)  \(change.reason)")
        }
        if !lines.isEmpty { lines.append("") }
        lines.append(summary(plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "Plan at a1b2c3d: 1 to create, 1 to start, 1 waiting." or "No changes at a1b2c3d: …".
    public func summary(_ plan: Plan) -> String {
        let at = String(plan.revision.prefix(7))
        if plan.changes.isEmpty {
            let invalid = plan.diagnostics.hasErrors ? " (invalid manifests were left out)" : ""
            return "No changes at \(at): everything is up to date\(invalid)."
        }
        var counts: [String] = []
        for action in Action.allCases {
            let n = plan.changes.filter { $0.action == action }.count
            guard n > 0 else { continue }
            counts.append(action == .wait ? "\(n) waiting" : "\(n) to \(action.rawValue)")
        }
        return "Plan at \(at): \(counts.joined(separator: ", "))."
    }

    // MARK: Markdown

    /// A table for a pull-request comment.
    public func markdown(_ plan: Plan) -> String {
        var out = "### Steward plan at `\(plan.revision.prefix(7))`\n\n"
        if plan.changes.isEmpty {
            out += "No changes: everything is up to date.\n"
        } else {
            out += "| | Resource | Operation | Reason |\n|---|---|---|---|\n"
            for change in plan.changes {
                out += "| `\(change.action.symbol)` \(change.action.rawValue) | `\(change.resource)` | `\(change.operation.rawValue)` | \(escapeMarkdown(change.reason)) |\n"
            }
            out += "\n**\(summary(plan))**\n"
        }
        let errors = plan.diagnostics
        if !errors.isEmpty {
            out += "\n<details><summary>\(errors.summary)</summary>\n\n```\n"
            out += errors.map(\.description).joined(separator: "\n")
            out += "\n```\n</details>\n"
        }
        return out
    }

    private func escapeMarkdown(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    // MARK: JSON

    /// The documented JSON form: `{"revision", "changes": [...], "diagnostics": [...], "resources": [...]}`.
    public func json(_ plan: Plan) -> String {
        let document = PlanDocument(plan)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The stable JSON shape of `steward plan --output json`.
public struct PlanDocument: Sendable, Codable, Hashable {
    public struct ChangeEntry: Sendable, Codable, Hashable {
        public var id: String
        public var resource: String
        public var operation: String
        public var action: String
        public var reason: String
        public var key: String?
        public var dependsOn: [String]
    }

    public struct DiagnosticEntry: Sendable, Codable, Hashable {
        public var path: String
        public var line: Int
        public var column: Int
        public var severity: String
        public var message: String
        public var hint: String?
        /// The rendered `path:line:col: error: message; hint`.
        public var text: String
    }

    public struct ResourceEntry: Sendable, Codable, Hashable {
        public var resource: String
        public var condition: ConditionEntry
        public var revision: String
    }

    public struct ConditionEntry: Sendable, Codable, Hashable {
        public var type: String
        public var reason: String
        public var message: String
    }

    public var revision: String
    public var changes: [ChangeEntry]
    public var diagnostics: [DiagnosticEntry]
    public var resources: [ResourceEntry]

    public init(_ plan: Plan) {
        revision = plan.revision
        changes = plan.changes.map {
            ChangeEntry(id: $0.id, resource: $0.resource.description, operation: $0.operation.rawValue,
                        action: $0.action.rawValue, reason: $0.reason, key: $0.key, dependsOn: $0.dependsOn)
        }
        diagnostics = plan.diagnostics.map {
            DiagnosticEntry(path: $0.location.path, line: $0.location.line, column: $0.location.column,
                            severity: $0.severity.rawValue, message: $0.message, hint: $0.hint, text: $0.description)
        }
        resources = plan.conditions.map {
            ResourceEntry(resource: $0.resource.description,
                          condition: ConditionEntry(type: $0.condition.type.rawValue, reason: $0.condition.reason,
                                                    message: $0.condition.message),
                          revision: $0.revision)
        }
    }
}
