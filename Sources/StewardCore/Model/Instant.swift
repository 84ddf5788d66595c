/// A point in time, in milliseconds since 1970-01-01T00:00:00Z.
///
/// The core never reads a clock: instants are handed to it. In JSON an instant is an RFC 3339 string
/// with milliseconds (`2026-11-29T02:38:32.250Z`).
public struct Instant: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }
    public init(secondsSinceEpoch: Double) { self.millisecondsSinceEpoch = Int64((secondsSinceEpoch * 1000).rounded()) }

    public var secondsSinceEpoch: Double { Double(millisecondsSinceEpoch) / 1000 }

    public static func < (a: Instant, b: Instant) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// Seconds from `earlier` to this instant.
    public func seconds(since earlier: Instant) -> Double {
        Double(millisecondsSinceEpoch - earlier.millisecondsSinceEpoch) / 1000
    }

    public func adding(seconds: Double) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64((seconds * 1000).rounded()))
    }

    /// `2026-11-29T02:38:32Z` (UTC, whole seconds).
    public var iso8601: String {
        let totalSeconds = millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : (millisecondsSinceEpoch - 999) / 1000
        let days = totalSeconds >= 0 ? totalSeconds / 86400 : (totalSeconds - 86399) / 86400
        let secondsOfDay = totalSeconds - days * 86400
        // Civil date from days since the epoch (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(secondsOfDay / 3600)):\(pad(secondsOfDay / 60 % 60)):\(pad(secondsOfDay % 60))Z"
    }

    public var description: String { iso8601 }

    /// `2026-11-29T02:38:32.250Z`.
    public var rfc3339: String {
        let ms = ((millisecondsSinceEpoch % 1000) + 1000) % 1000
        let digits = String(ms)
        return String(iso8601.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses an RFC 3339 timestamp as Steward and Google's APIs write them: `2024-05-01T12:00:00.123456Z`,
    /// up to nine fractional digits (kept to the millisecond), `Z` or an offset such as `+02:00`.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
              second < 61 else { return nil }
        var millis: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        var offsetSeconds: Int64 = 0
        if expect("Zz") {
            offsetSeconds = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2) else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.millisecondsSinceEpoch = seconds * 1000 + millis
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let instant = Instant(rfc3339: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: '\(text)'")
            }
            self = instant
        } else {
            self.init(millisecondsSinceEpoch: try container.decode(Int64.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

/// Seconds in a duration written `500ms`, `90s`, `10m`, `1h30m` (numbers with units, run together); nil for
/// anything else, a bare number included.
public func parseDuration(_ text: String) -> Double? {
    var total = 0.0
    var number = ""
    var unit = ""
    func flush() -> Bool {
        guard let value = Double(number) else { return false }
        switch unit {
        case "ms": total += value / 1000
        case "s": total += value
        case "m": total += value * 60
        case "h": total += value * 3600
        default: return false
        }
        number = ""
        unit = ""
        return true
    }
    for character in text {
        if character.isASCII, character.isNumber || character == "." {
            if !unit.isEmpty { guard flush() else { return nil } }
            number.append(character)
        } else {
            unit.append(character)
        }
    }
    guard flush() else { return nil }
    return total
}

/// A human duration: `45s`, `3m 10s`, `2h 5m`, `3d 4h`.
public func formatDuration(seconds: Double) -> String {
    let s = Int(max(0, seconds).rounded(.down))
    if s < 60 { return "\(s)s" }
    if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
    if s < 86400 { return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \((s % 3600) / 60)m" }
    return (s % 86400) / 3600 == 0 ? "\(s / 86400)d" : "\(s / 86400)d \((s % 86400) / 3600)h"
}
