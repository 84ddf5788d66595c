import Crypto

/// Content addressing: keys are hashes of the inputs of a side effect.
public enum ContentKey {
    /// Hex SHA-256 of `text`.
    public static func digest(of text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }

    /// Hex SHA-256 of `bytes`.
    public static func digest(of bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// A 32-hex key (128 bits) of named inputs: order-independent, and fits a cloud label value.
    public static func key(_ inputs: [String: String]) -> String {
        let canonical = inputs.keys.sorted().map { "\($0.utf8.count):\($0)=\(inputs[$0]!.utf8.count):\(inputs[$0]!)" }
        return String(digest(of: canonical.joined(separator: "\n")).prefix(32))
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let table: [Character] = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0F)])
        }
        return out
    }
}
