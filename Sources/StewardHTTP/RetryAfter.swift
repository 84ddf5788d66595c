import Foundation

/// How long a server asked the client to wait: `Retry-After` (seconds or an HTTP date),
/// a `google.rpc.RetryInfo` `retryDelay`, or GitHub's rate-limit reset time.
public enum RetryAfter {
    /// Seconds to wait according to the response, or nil when it does not say.
    public static func seconds(in response: APIResponse, now: Date = Date()) -> Double? {
        if let header = response.header("Retry-After"), let seconds = parse(header, now: now) { return seconds }
        if let delay = retryInfoDelay(in: response.body) { return delay }
        if response.header("x-ratelimit-remaining") == "0", let reset = response.header("x-ratelimit-reset"),
           let epoch = Double(reset.trimmingCharacters(in: .whitespaces)) {
            return max(0, epoch - now.timeIntervalSince1970)
        }
        return nil
    }

    /// A `Retry-After` value: delta-seconds, or an HTTP date (IMF-fixdate, RFC 850 or asctime).
    public static func parse(_ value: String, now: Date = Date()) -> Double? {
        // asctime pads the day with a space ("Nov  6"): collapse runs of spaces.
        let text = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// A protobuf Duration string such as `30s` or `0.5s`.
    public static func parseDuration(_ text: String) -> Double? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }

    /// The `retryDelay` of a `google.rpc.RetryInfo` in a google.rpc.Status body.
    static func retryInfoDelay(in body: [UInt8]) -> Double? {
        guard !body.isEmpty, body.first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let error = object["error"] as? [String: Any],
              let details = error["details"] as? [[String: Any]] else { return nil }
        for detail in details where (detail["@type"] as? String)?.hasSuffix("google.rpc.RetryInfo") == true {
            if let delay = detail["retryDelay"] as? String, let seconds = parseDuration(delay) { return seconds }
        }
        return nil
    }
}
