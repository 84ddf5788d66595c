import Foundation

/// A JSON record file of the local provider (`run.json`, `model.json`, …): pretty-printed with sorted keys,
/// so that people can read and diff it, and ending in a newline.
protocol LocalRecord: Codable {}

extension LocalRecord {
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) throws -> Self {
        try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}
