/// The full 40-hex id of a git commit.
public struct CommitID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The 40 lowercase hexadecimal digits of the id.
    public let hex: String

    /// Makes an id from 40 hexadecimal digits (any case); nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    /// The first seven digits, as `git log --oneline` shows them.
    public var short: String { String(hex.prefix(7)) }

    /// The full id.
    public var description: String { hex }

    /// Orders ids by their hex digits (for stable output, not history).
    public static func < (lhs: CommitID, rhs: CommitID) -> Bool { lhs.hex < rhs.hex }

    /// Decodes an id from a single JSON string of 40 hex digits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = CommitID(hex: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not a full commit id; expected 40 hexadecimal digits"
            )
        }
        self = id
    }

    /// Encodes the id as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
