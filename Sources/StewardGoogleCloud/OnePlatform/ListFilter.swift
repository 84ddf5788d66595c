import Foundation

/// AIP-160 list filters: `labels.KEY="VALUE"` terms joined by `AND`.
public enum ListFilter {
    /// `labels.a="x" AND labels.b="y"`, keys in order.
    public static func labels(_ labels: KeyValuePairs<String, String>) -> String {
        labels.map { "labels.\($0.key)=\(quoted($0.value))" }.joined(separator: " AND ")
    }

    /// A string literal, with `\` and `"` escaped.
    public static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
