/// A request as the fake saw it (recorded for counting and for checking headers).
public struct FakeGitHubRequest: Sendable {
    public var method: String
    /// The path, still percent-encoded.
    public var path: String
    /// The raw query, without `?`.
    public var query: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Query parameters, percent-decoded.
    public var parameters: [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = FakeGitHubRequest.percentDecode(String(parts[0]))
            if result[key] == nil { result[key] = parts.count > 1 ? FakeGitHubRequest.percentDecode(String(parts[1])) : "" }
        }
        return result
    }

    /// Path segments, each percent-decoded (so an encoded `/` inside a tag stays inside its segment).
    public var segments: [String] {
        path.split(separator: "/").map { FakeGitHubRequest.percentDecode(String($0)) }
    }

    public static func percentDecode(_ value: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(value.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let decoded = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(decoded)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
