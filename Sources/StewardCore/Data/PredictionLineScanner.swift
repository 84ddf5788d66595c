/// A string value inside a line: the bytes between its quotes, and whether they hold escapes to decode.
struct RawString: Sendable {
    var start: Int
    var end: Int
    var escaped: Bool
}

/// What a line's `prediction` says the label is, before it is matched against the classes.
enum RawLabel: Sendable {
    /// A class name.
    case text(RawString)
    /// A class index: an integer label or the arg-max of scores.
    case index(Int)
    /// No usable label: a fractional number, `null`, an empty list, an unknown shape.
    case unusable
}

/// One JSONL line of batch prediction output, reduced to the fields evaluation needs.
struct ScannedLine: Sendable {
    enum Kind: Sendable { case blank, malformed, prediction, error }
    var kind: Kind
    var instance: RawString?
    var label: RawLabel = .unusable
    var errorMessage: RawString?
}

/// The line is not valid JSON, or not the shape evaluation can use.
struct MalformedLine: Error {}

/// A validating JSON scanner for one line that keeps only `instance` (or `key`), `prediction` and `error`.
///
/// It checks the whole line against the JSON grammar (strings, escapes, numbers, literals, nesting) so that
/// a malformed line is reported rather than half-read, but builds no values: strings are byte ranges,
/// decoded only when they carry escapes.
struct PredictionLineScanner {
    let base: UnsafePointer<UInt8>
    var pos: Int
    let end: Int
    private var depth = 0
    static let maxDepth = 128

    init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.pos = start
        self.end = end
    }

    /// Scans the line; never traps on bad input.
    mutating func scan() -> ScannedLine {
        skipWhitespace()
        if pos == end { return ScannedLine(kind: .blank) }
        do throws(MalformedLine) {
            return try scanObject()
        } catch {
            return ScannedLine(kind: .malformed)
        }
    }

    private mutating func scanObject() throws(MalformedLine) -> ScannedLine {
        guard peek == UInt8(ascii: "{") else { throw MalformedLine() }
        pos += 1
        var instance: RawString?
        var key: RawString?
        var label: RawLabel?
        var error = false
        var message: RawString?
        var first = true
        while let name = try nextKey(&first) {
            if matches(name, "instance") {
                instance = try scanInstance()
            } else if matches(name, "prediction") {
                label = try scanPrediction()
            } else if matches(name, "error") {
                error = true
                message = try scanError()
            } else if matches(name, "key"), peek == UInt8(ascii: "\"") {
                key = try scanString()
            } else {
                try skipValue()
            }
        }
        skipWhitespace()
        guard pos == end, let named = instance ?? key else { throw MalformedLine() }
        if error { return ScannedLine(kind: .error, instance: named, errorMessage: message) }
        guard let label else { throw MalformedLine() }
        return ScannedLine(kind: .prediction, instance: named, label: label)
    }

    /// `"gs://…"`, or an object with `content`, `gcsUri` or `image_path`; anything else names nothing.
    private mutating func scanInstance() throws(MalformedLine) -> RawString? {
        switch peek {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "{"):
            pos += 1
            var found: RawString?
            var first = true
            while let name = try nextKey(&first) {
                if found == nil, peek == UInt8(ascii: "\""),
                   matches(name, "content") || matches(name, "gcsUri") || matches(name, "image_path") {
                    found = try scanString()
                } else {
                    try skipValue()
                }
            }
            return found
        default:
            try skipValue()
            return nil
        }
    }

    private mutating func scanPrediction() throws(MalformedLine) -> RawLabel {
        switch peek {
        case UInt8(ascii: "\""):
            return .text(try scanString())
        case UInt8(ascii: "["):
            return try argMax().map(RawLabel.index) ?? .unusable
        case UInt8(ascii: "{"):
            return try scanPredictionObject()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanIntegerLabel()
        default:
            try skipValue()
            return .unusable
        }
    }

    /// `{"label": …}`, or `labels`/`classes`/`displayNames` with `scores`/`confidences`: the label of the best score.
    private mutating func scanPredictionObject() throws(MalformedLine) -> RawLabel {
        pos += 1
        var label: RawLabel?
        var names: Int?
        var best: Int?
        var first = true
        while let name = try nextKey(&first) {
            if matches(name, "label") {
                switch peek {
                case UInt8(ascii: "\""): label = .text(try scanString())
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): label = try scanIntegerLabel()
                default:
                    try skipValue()
                    label = .unusable
                }
            } else if peek == UInt8(ascii: "["), matches(name, "labels") || matches(name, "classes") || matches(name, "displayNames") {
                names = pos
                try skipValue()
            } else if peek == UInt8(ascii: "["), matches(name, "scores") || matches(name, "confidences") || matches(name, "probabilities") {
                best = try argMax()
            } else {
                try skipValue()
            }
        }
        if let label { return label }
        if let names {
            let after = pos
            defer { pos = after }
            pos = names
            return try element(at: best ?? 0)
        }
        if let best { return .index(best) }
        return .unusable
    }

    /// The `index`-th element of the (already validated) array at `pos`, as a label.
    private mutating func element(at index: Int) throws(MalformedLine) -> RawLabel {
        pos += 1
        var first = true
        var i = 0
        while try nextElement(&first) {
            if i == index {
                switch peek {
                case UInt8(ascii: "\""): return .text(try scanString())
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try scanIntegerLabel()
                default: return .unusable
                }
            }
            try skipValue()
            i += 1
        }
        return .unusable
    }

    /// `{"message": …}` (with `code` or `status` beside it), or a bare string.
    private mutating func scanError() throws(MalformedLine) -> RawString? {
        switch peek {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "{"):
            pos += 1
            var message: RawString?
            var first = true
            while let name = try nextKey(&first) {
                if peek == UInt8(ascii: "\""), matches(name, "message") {
                    message = try scanString()
                } else {
                    try skipValue()
                }
            }
            return message
        default:
            try skipValue()
            return nil
        }
    }

    private mutating func scanIntegerLabel() throws(MalformedLine) -> RawLabel {
        let (start, isInteger) = try scanNumber()
        guard isInteger, base[start] != UInt8(ascii: "-"), pos - start <= 9 else { return .unusable }
        var value = 0
        for i in start..<pos { value = value * 10 + Int(base[i] &- 48) }
        return .index(value)
    }

    /// The index of the first largest number in the array at `pos` (or in its first element, for `[[…]]`).
    private mutating func argMax(nested: Bool = false) throws(MalformedLine) -> Int? {
        pos += 1
        var first = true
        var best: Int?
        var bestValue = -Double.infinity
        var i = 0
        var usable = true
        while try nextElement(&first) {
            if i == 0, !nested, peek == UInt8(ascii: "[") {
                best = try argMax(nested: true)
                usable = false
            } else if usable, peek == UInt8(ascii: "-") || (peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9")) {
                let (start, _) = try scanNumber()
                let value = doubleValue(start, pos)
                if best == nil || value > bestValue {
                    best = i
                    bestValue = value
                }
            } else {
                try skipValue()
                if usable { best = nil }
                usable = false
            }
            i += 1
        }
        return best
    }

    // MARK: - Grammar

    @inline(__always)
    private var peek: UInt8 { pos < end ? base[pos] : 0 }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    /// After `{` or a member: the next member's name with its `:` consumed, or nil after the closing `}`.
    @inline(__always)
    private mutating func nextKey(_ first: inout Bool) throws(MalformedLine) -> RawString? {
        skipWhitespace()
        if peek == UInt8(ascii: "}") && first {
            pos += 1
            return nil
        }
        if !first {
            if peek == UInt8(ascii: "}") {
                pos += 1
                return nil
            }
            guard peek == UInt8(ascii: ",") else { throw MalformedLine() }
            pos += 1
            skipWhitespace()
        }
        first = false
        guard peek == UInt8(ascii: "\"") else { throw MalformedLine() }
        let name = try scanString()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw MalformedLine() }
        pos += 1
        skipWhitespace()
        return name
    }

    /// After `[` or an element: whether another element follows (positioned on it), false after the closing `]`.
    @inline(__always)
    private mutating func nextElement(_ first: inout Bool) throws(MalformedLine) -> Bool {
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            pos += 1
            return false
        }
        if !first {
            guard peek == UInt8(ascii: ",") else { throw MalformedLine() }
            pos += 1
            skipWhitespace()
            guard peek != UInt8(ascii: "]") else { throw MalformedLine() }
        }
        first = false
        return true
    }

    /// Whether a member name is `literal` (decoding escapes in the rare name that has them).
    @inline(__always)
    private func matches(_ name: RawString, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        if !name.escaped {
            return name.end - name.start == count && memoryEqual(base + name.start, literal.utf8Start, count)
        }
        var decoded: [UInt8] = []
        JSONString.decode(base, name, into: &decoded)
        return decoded.count == count && decoded.withUnsafeBufferPointer { memoryEqual($0.baseAddress!, literal.utf8Start, count) }
    }

    /// A string at `pos` (on its opening quote); validates escapes and rejects raw control characters.
    @inline(__always)
    private mutating func scanString() throws(MalformedLine) -> RawString {
        pos += 1
        let start = pos
        var escaped = false
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return RawString(start: start, end: pos - 1, escaped: escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                pos += 1
                guard pos < end else { throw MalformedLine() }
                switch base[pos] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    pos += 1
                case UInt8(ascii: "u"):
                    guard pos + 4 < end else { throw MalformedLine() }
                    for i in 1...4 where JSONString.hexValue(base[pos + i]) == nil { throw MalformedLine() }
                    pos += 5
                default:
                    throw MalformedLine()
                }
            } else if c < 0x20 {
                throw MalformedLine()
            } else {
                pos += 1
            }
        }
        throw MalformedLine()
    }

    /// A number at `pos` per the JSON grammar; returns its start and whether it has no fraction or exponent.
    private mutating func scanNumber() throws(MalformedLine) -> (start: Int, isInteger: Bool) {
        let start = pos
        var isInteger = true
        if peek == UInt8(ascii: "-") { pos += 1 }
        if peek == UInt8(ascii: "0") {
            pos += 1
        } else if peek >= UInt8(ascii: "1") && peek <= UInt8(ascii: "9") {
            while peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9") { pos += 1 }
        } else {
            throw MalformedLine()
        }
        if peek == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9") else { throw MalformedLine() }
            while peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9") { pos += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { pos += 1 }
            guard peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9") else { throw MalformedLine() }
            while peek >= UInt8(ascii: "0") && peek <= UInt8(ascii: "9") { pos += 1 }
        }
        return (start, isInteger)
    }

    /// Skips and validates any value at `pos`.
    private mutating func skipValue() throws(MalformedLine) {
        switch peek {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= Self.maxDepth else { throw MalformedLine() }
            pos += 1
            var first = true
            while try nextKey(&first) != nil { try skipValue() }
            depth -= 1
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= Self.maxDepth else { throw MalformedLine() }
            pos += 1
            var first = true
            while try nextElement(&first) { try skipValue() }
            depth -= 1
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        default:
            throw MalformedLine()
        }
    }

    private mutating func literal(_ word: StaticString) throws(MalformedLine) {
        let count = word.utf8CodeUnitCount
        guard end - pos >= count, memoryEqual(base + pos, word.utf8Start, count) else { throw MalformedLine() }
        pos += count
    }

    /// The value of a validated number token; exact for up to 15 significant digits and powers of ten up to 22
    /// (Clinger's fast path), through the standard library otherwise.
    private func doubleValue(_ start: Int, _ stop: Int) -> Double {
        var i = start
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var fraction = false
        while i < stop {
            let c = base[i]
            if c == UInt8(ascii: ".") {
                fraction = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if mantissa != 0 || c != UInt8(ascii: "0") { significant += 1 }
                if significant <= 18 { mantissa = mantissa * 10 + UInt64(c - 48) } else if !fraction { exponent += 1 }
                if fraction && significant <= 18 { exponent -= 1 }
            } else {
                break
            }
            i += 1
        }
        if i < stop {
            // An exponent: e[+-]digits.
            i += 1
            var sign = 1
            if base[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if base[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            while i < stop {
                if e < 100_000 { e = e * 10 + Int(base[i] - 48) }
                i += 1
            }
            exponent += sign * e
        }
        if significant <= 15, exponent >= -22, exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * Self.powersOfTen[exponent] : m / Self.powersOfTen[-exponent]
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
        return Double(text) ?? 0
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var value = 1.0
        for _ in 0..<e { value *= 10 }
        return value
    }
}

/// JSON string escapes.
enum JSONString {
    /// Appends the UTF-8 of the string's content to `out`, resolving escapes and surrogate pairs;
    /// a lone surrogate becomes U+FFFD.
    static func decode(_ base: UnsafePointer<UInt8>, _ string: RawString, into out: inout [UInt8]) {
        var i = string.start
        while i < string.end {
            let c = base[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            let kind = base[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(base + i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if i + 6 <= string.end, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(base + i + 2)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: out.append(kind)
            }
        }
    }

    /// The string's content as a Swift string.
    static func string(_ base: UnsafePointer<UInt8>, _ string: RawString) -> String {
        if !string.escaped {
            return String(decoding: UnsafeBufferPointer(start: base + string.start, count: string.end - string.start), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        decode(base, string, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - 55)
        default: nil
        }
    }

    private static func hex4(_ p: UnsafePointer<UInt8>) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 4 | (hexValue(p[$1]) ?? 0) }
    }
}
