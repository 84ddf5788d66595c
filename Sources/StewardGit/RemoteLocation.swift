import CLibGit2
import Foundation

/// A remote's URL, its form safe to show, and the name of its cache folder.
struct RemoteLocation: Sendable {
    /// The URL libgit2 connects to (a local path made absolute).
    let url: String
    /// The URL without any user name or password: safe for errors and logs.
    let displayURL: String
    /// Substrings that must never reach an error or a log line.
    let secrets: [String]

    init(_ url: String, token: String?) {
        var resolved = url
        if !url.contains("://"), url.hasPrefix("/") || url.hasPrefix(".") {
            // A plain local path: made absolute so the cache name does not depend on the
            // current directory.
            resolved = URL(fileURLWithPath: url).standardizedFileURL.path
        }
        var display = resolved
        var secrets: [String] = []
        if let scheme = resolved.range(of: "://"),
           let at = resolved[scheme.upperBound...].firstIndex(of: "@"),
           !resolved[scheme.upperBound..<at].contains("/") {
            let userInfo = String(resolved[scheme.upperBound..<at])
            display = String(resolved[..<scheme.upperBound]) + String(resolved[resolved.index(after: at)...])
            secrets.append(userInfo)
            if let colon = userInfo.firstIndex(of: ":") {
                secrets.append(String(userInfo[userInfo.index(after: colon)...]))
            }
        }
        if let token, !token.isEmpty { secrets.append(token) }
        self.url = resolved
        self.displayURL = display
        // Longest first, so a token inside a longer user-info string is not half-replaced.
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// `text` with the URL replaced by its display form and every secret masked.
    func redact(_ text: String) -> String {
        var result = text.replacingOccurrences(of: url, with: displayURL)
        for secret in secrets { result = result.replacingOccurrences(of: secret, with: "***") }
        return result
    }

    /// A folder name that is readable and stable for this URL: a sanitised form of the
    /// display URL and 16 hex digits of its SHA-1.
    var cacheName: String {
        var readable = displayURL
        if let scheme = readable.range(of: "://") { readable = String(readable[scheme.upperBound...]) }
        if readable.hasSuffix(".git") { readable = String(readable.dropLast(4)) }
        var sanitised = ""
        for scalar in readable.unicodeScalars {
            let keep = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "_")
            if keep {
                sanitised.unicodeScalars.append(scalar)
            } else if !sanitised.hasSuffix("-") {
                sanitised.append("-")
            }
        }
        sanitised = String(sanitised.trimmingSuffix(while: { $0 == "-" }).drop(while: { $0 == "-" || $0 == "." }).suffix(60))
        return (sanitised.isEmpty ? "remote" : sanitised) + "-" + String(Self.sha1(displayURL).prefix(16))
    }

    private static func sha1(_ text: String) -> String {
        var oid = git_oid()
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        return LibGit2.hex(oid)
    }
}
