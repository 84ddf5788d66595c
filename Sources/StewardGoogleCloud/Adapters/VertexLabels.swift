import StewardCore
import StewardRuntime

/// Vertex AI's rules for the labels Steward puts on what it creates (the names are `StewardLabel`'s).
///
/// Pipeline runs carry the planner's labels plus, when the Pipeline declares `outputs`, where the run's model
/// and blessing are: `steward-model-task`, `steward-model-artifact`, `steward-blessing-task`,
/// `steward-blessing-artifact` (task and artifact names lowercased, other characters than `[a-z0-9_-]` turned
/// into `_`, cut to 63 characters; they are compared with the task details in the same normalised form).
public enum VertexLabels {
    /// The filter of everything Steward manages: `labels.steward-managed="true"`.
    public static let managedFilter = ListFilter.labels([StewardLabel.managed: StewardLabel.managedValue])

    /// A task or artifact name in the form labels can hold: lowercase, `[a-z0-9_-]`, at most 63 characters.
    public static func normalized(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "0"..."9", "-", "_": Character(scalar)
            default: "_"
            }
        }
        return String(String(mapped).prefix(63))
    }

    /// Checks labels against Vertex's rules (keys `[a-z][a-z0-9_-]{0,62}`, values `[a-z0-9_-]{0,63}`).
    static func validate(_ labels: [String: String], on what: String) throws {
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            guard isValidKey(key) else {
                throw RuntimeError(code: "invalid", message: "label key '\(key)' on \(what) breaks Vertex AI's label rules (lowercase letters, digits, '_' and '-', starting with a letter, at most 63 characters)", disposition: .stalled)
            }
            guard isValidValue(value) else {
                throw RuntimeError(code: "invalid", message: "label '\(key)' on \(what) has the value '\(value)', which breaks Vertex AI's label rules (lowercase letters, digits, '_' and '-', at most 63 characters)", disposition: .stalled)
            }
        }
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return isValidValue(key)
    }

    static func isValidValue(_ value: String) -> Bool {
        value.unicodeScalars.count <= 63 && value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}
