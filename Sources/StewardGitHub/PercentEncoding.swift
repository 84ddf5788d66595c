/// Percent-encoding for URL path segments and query values (RFC 3986 unreserved characters pass through).
enum PercentEncoding {
    /// Encodes everything but `A-Z a-z 0-9 - . _ ~`.
    static func component(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hex(byte >> 4) + hex(byte & 0x0F)
            }
        }
        return encoded
    }

    /// Encodes each `/`-separated segment and keeps the slashes (GitHub's multi-segment tag parameter).
    static func path(_ value: String) -> String {
        value.split(separator: "/", omittingEmptySubsequences: false).map { component(String($0)) }
            .joined(separator: "/")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ nibble: UInt8) -> String {
        String("0123456789ABCDEF"[String.Index(utf16Offset: Int(nibble), in: "0123456789ABCDEF")])
    }
}
