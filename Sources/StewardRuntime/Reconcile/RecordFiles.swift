import Foundation
import Glibc
import StewardCore

/// The JSON object a finished evaluation writes beside its predictions.
enum EvaluationRecordFile {
    static func encode(_ record: EvaluationRecord) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(record)) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) throws -> EvaluationRecord {
        try JSONDecoder().decode(EvaluationRecord.self, from: Data(bytes))
    }
}

/// The content of span markers: where the span's samples came from.
struct SpanMarker: Codable {
    /// The collection batch (`gs://…`), or `initial:<repository path>@<tree>`.
    var source: String
    var dataset: String
    var span: Int

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)).map(Array.init) ?? []) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) -> SpanMarker? {
        try? JSONDecoder().decode(SpanMarker.self, from: Data(bytes))
    }
}

/// Shell-style file-name patterns (`*.jpg`, `img_??.png`, `[abc]*`).
public enum Glob {
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
