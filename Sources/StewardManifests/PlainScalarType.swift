import Yams

/// The YAML 1.1 type of a plain (unquoted) scalar, by the rules of Yams's default resolver
/// (bool, int, float, merge, null, timestamp, value, in that order), written out by hand.
enum PlainScalarType {
    static func resolve(_ text: String) -> Tag.Name {
        let b = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(b) { return .int }
        if isFloat(b) { return .float }
        if text == "<<" { return .merge }
        if text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        if isTimestamp(b) { return .timestamp }
        if text == "=" { return .value }
        return .str
    }

    static let bools: Set<String> = ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                                     "on", "On", "ON", "off", "Off", "OFF"]

    static func isBool(_ text: String) -> Bool { bools.contains(text) }

    /// The value of a scalar typed `bool` (Yams's own constructor refuses scalars its basic resolver typed `str`).
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    @inline(__always) static func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Index after an optional sign.
    static func afterSign(_ b: [UInt8]) -> Int { (b.first == UInt8(ascii: "-") || b.first == UInt8(ascii: "+")) ? 1 : 0 }

    /// `[-+]?0b[01_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    static func isInt(_ b: [UInt8]) -> Bool {
        let s = afterSign(b)
        let rest = b[s...]
        guard let first = rest.first else { return false }
        if first == UInt8(ascii: "0") {
            let tail = rest.dropFirst()
            if tail.isEmpty { return true }
            switch tail.first! {
            case UInt8(ascii: "b"):
                let digits = tail.dropFirst()
                return !digits.isEmpty && digits.allSatisfy { $0 == 0x30 || $0 == 0x31 || $0 == UInt8(ascii: "_") }
            case UInt8(ascii: "x"):
                let digits = tail.dropFirst()
                return !digits.isEmpty && digits.allSatisfy { digit($0) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) || $0 == UInt8(ascii: "_") }
            case UInt8(ascii: "o"):
                let digits = tail.dropFirst()
                return !digits.isEmpty && digits.allSatisfy { ($0 >= 0x30 && $0 <= 0x37) || $0 == UInt8(ascii: "_") }
            default:
                return tail.allSatisfy { ($0 >= 0x30 && $0 <= 0x37) || $0 == UInt8(ascii: "_") }
            }
        }
        guard first >= 0x31, first <= 0x39 else { return false }
        // [1-9][0-9_]* optionally followed by sexagesimal groups (:[0-5]?[0-9])+
        var i = rest.startIndex + 1
        while i < rest.endIndex, digit(rest[i]) || rest[i] == UInt8(ascii: "_") { i += 1 }
        if i == rest.endIndex { return true }
        return sexagesimal(b, from: i) == b.count
    }

    /// Consumes `(:[0-5]?[0-9])+` from `i`; returns the end index, or -1 when there is no group.
    static func sexagesimal(_ b: [UInt8], from start: Int) -> Int {
        var i = start
        var groups = 0
        while i < b.count, b[i] == UInt8(ascii: ":") {
            var j = i + 1
            if j + 1 < b.count, b[j] >= 0x30, b[j] <= 0x35, digit(b[j + 1]) {
                j += 2
            } else if j < b.count, digit(b[j]) {
                j += 1
            } else {
                return groups > 0 ? i : -1
            }
            groups += 1
            i = j
        }
        return groups > 0 ? i : -1
    }

    /// `[-+]?([0-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)? |
    ///  [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    static func isFloat(_ b: [UInt8]) -> Bool {
        let text = String(decoding: b, as: UTF8.self)
        if [".nan", ".NaN", ".NAN"].contains(text) { return true }
        let s = afterSign(b)
        let unsigned = String(decoding: b[s...], as: UTF8.self)
        if [".inf", ".Inf", ".INF"].contains(unsigned) { return true }
        // \.[0-9_]+([eE][-+][0-9]+)?  (no sign)
        if b.first == UInt8(ascii: ".") {
            var i = 1
            while i < b.count, digit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
            guard i > 1 else { return false }
            if i == b.count { return true }
            guard b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E"), i + 2 < b.count + 0,
                  i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") || b[i + 1] == UInt8(ascii: "+") else { return false }
            let exponent = b[(i + 2)...]
            return !exponent.isEmpty && exponent.allSatisfy(digit)
        }
        var i = s
        guard i < b.count, digit(b[i]) else { return false }
        i += 1
        while i < b.count, digit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        // Sexagesimal float: groups then a mandatory fraction point.
        if i < b.count, b[i] == UInt8(ascii: ":") {
            let end = sexagesimal(b, from: i)
            guard end > 0, end < b.count, b[end] == UInt8(ascii: ".") else { return false }
            return b[(end + 1)...].allSatisfy { digit($0) || $0 == UInt8(ascii: "_") }
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, digit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        if i == b.count { return true }
        guard b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") else { return false }
        i += 1
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < b.count else { return false }
        return b[i...].allSatisfy(digit)
    }

    /// `YYYY-MM-DD`, or `YYYY-M?M-D?D([Tt]|[ \t]+)H?H:MM:SS(\.[0-9]*)?([ \t]*(Z|[-+]H?H(:MM)?))?`
    static func isTimestamp(_ b: [UInt8]) -> Bool {
        func digits(_ i: Int, _ n: Int) -> Bool { i + n <= b.count && b[i..<(i + n)].allSatisfy(digit) }
        guard digits(0, 4), b.count >= 8, b[4] == UInt8(ascii: "-") else { return false }
        if b.count == 10, digits(5, 2), b[7] == UInt8(ascii: "-"), digits(8, 2) { return true }
        var i = 5
        func oneOrTwo() -> Bool {
            guard i < b.count, digit(b[i]) else { return false }
            i += 1
            if i < b.count, digit(b[i]) { i += 1 }
            return true
        }
        guard oneOrTwo(), i < b.count, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard oneOrTwo(), i < b.count else { return false }
        if b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") {
            i += 1
        } else {
            let start = i
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            guard i > start else { return false }
        }
        guard oneOrTwo(), i < b.count, b[i] == UInt8(ascii: ":"), digits(i + 1, 2) else { return false }
        i += 3
        guard i < b.count, b[i] == UInt8(ascii: ":"), digits(i + 1, 2) else { return false }
        i += 3
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, digit(b[i]) { i += 1 }
        }
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") else { return false }
        i += 1
        guard oneOrTwo() else { return false }
        if i == b.count { return true }
        return b[i] == UInt8(ascii: ":") && digits(i + 1, 2) && i + 3 == b.count
    }
}
