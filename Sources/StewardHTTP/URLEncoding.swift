/// Percent-encoding for URL path segments, query strings and form bodies.
public enum URLEncoding {
    /// Encodes everything but the RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`), so `/` becomes `%2F`,
    /// a space `%20` and `#` `%23`: safe as one path segment or one query value.
    public static func component(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hex(byte >> 4) + hex(byte & 0x0F)
            }
        }
        return out
    }

    /// Encodes each `/`-separated segment and keeps the slashes (a multi-segment path parameter, such as a
    /// GitHub tag `models/v1`).
    public static func path(_ text: String) -> String {
        text.split(separator: "/", omittingEmptySubsequences: false).map { component(String($0)) }.joined(separator: "/")
    }

    /// `a=1&b=x%20y`, in the given order; nil values are left out.
    public static func query(_ items: [(String, String?)]) -> String {
        items.compactMap { name, value in value.map { component(name) + "=" + component($0) } }.joined(separator: "&")
    }

    /// An `application/x-www-form-urlencoded` body.
    public static func form(_ items: [(String, String?)]) -> [UInt8] { Array(query(items).utf8) }

    private static func hex(_ nibble: UInt8) -> String {
        String(UnicodeScalar(nibble < 10 ? nibble + 48 : nibble + 55))
    }
}
