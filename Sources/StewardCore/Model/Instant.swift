/// A point in time, in milliseconds since 1970-01-01T00:00:00Z.
///
/// The core never reads a clock: instants are handed to it.
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
}

/// A human duration: `45s`, `3m 10s`, `2h 5m`, `3d 4h`.
public func formatDuration(seconds: Double) -> String {
    let s = Int(max(0, seconds).rounded(.down))
    if s < 60 { return "\(s)s" }
    if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
    if s < 86400 { return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \((s % 3600) / 60)m" }
    return (s % 86400) / 3600 == 0 ? "\(s / 86400)d" : "\(s / 86400)d \((s % 86400) / 3600)h"
}
