/// Paths as git prints them with `core.quotePath` (its default): a path holding a control character, a
/// double quote, a backslash or any byte outside ASCII is put in double quotes with C escapes (`\n`, `\t`,
/// `\"`, `\\`, and three octal digits per byte otherwise), so that a newline cannot break a
/// `path:line:col:` line and a right-to-left override (U+202E) cannot disguise a path. Other paths are
/// left as they are.
public enum QuotedPath {
    public static func quote(_ path: String) -> String {
        guard path.utf8.contains(where: needsQuoting) else { return path }
        var out = "\""
        for byte in path.utf8 {
            switch byte {
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case _ where needsQuoting(byte):
                let octal = String(byte, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            default:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out + "\""
    }

    private static func needsQuoting(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x7F
    }
}
