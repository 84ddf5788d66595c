import Foundation

/// Removes credentials from text before it reaches an error message, a log line or a metric.
///
/// It knows bearer tokens, Google access tokens (`ya29.…`), GitHub tokens (`ghp_…`, `github_pat_…`),
/// JSON Web Tokens, PEM private keys, secret JSON fields (`access_token`, `refresh_token`, `private_key`, …)
/// and secret query or form values (`X-Goog-Signature`, `sig`, `access_token`, …).
public enum Redactor {
    /// What replaces a secret.
    public static let placeholder = "[redacted]"

    /// JSON fields whose string values are secrets.
    static let secretFields = [
        "access_token", "refresh_token", "id_token", "private_key", "client_secret", "assertion", "token",
        "password", "secret",
    ]
    /// Query and form parameters whose values are secrets.
    static let secretParameters = [
        "access_token", "refresh_token", "id_token", "client_secret", "assertion", "token", "sig", "signature",
        "x-goog-signature", "x-goog-credential", "x-amz-signature", "key", "code",
    ]

    /// Ordered rules: each is a pattern and how to rebuild a match (kept captures plus the placeholder).
    private struct Rule: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
        /// The capture groups kept before and after the placeholder (by index), or none for a full replacement.
        let before: Int?
        let after: Int?
    }

    private static let rules: [Rule] = {
        let fields = secretFields.joined(separator: "|")
        let parameters = secretParameters.joined(separator: "|")
        let table: [(String, Int?, Int?)] = [
            // PEM private keys, with real or JSON-escaped line breaks.
            (#"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"#, nil, nil),
            // "access_token": "…" and friends (escaped quotes inside the value included).
            (#"(?i)("(?:"# + fields + #")"\s*:\s*")(?:[^"\\]|\\.)*(")"#, 1, 2),
            // ?sig=…, &X-Goog-Signature=…, access_token=… in a form body.
            (#"(?i)((?:^|[?&\s"';,])(?:"# + parameters + #")=)[^&\s"'#]+"#, 1, nil),
            // Bearer … anywhere.
            (#"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}"#, 1, nil),
            // Authorization: token …, Authorization: Basic …, "authorization": "…"
            (#"(?i)(\bauthorization"?\s*[:=]\s*"?(?:token\s+|basic\s+|bearer\s+)?)[^\s",]+"#, 1, nil),
            // Google OAuth access tokens.
            (#"ya29\.[A-Za-z0-9._\-]+"#, nil, nil),
            // GitHub tokens.
            (#"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}"#, nil, nil),
            (#"\bgithub_pat_[A-Za-z0-9_]{16,}"#, nil, nil),
            // JSON Web Tokens (a signed JWT assertion is a credential).
            (#"eyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]+"#, nil, nil),
        ]
        return table.map { pattern, before, after in
            // The patterns are constants; a failure here is a programming error caught by the tests.
            Rule(regex: try! Regex(pattern), before: before, after: after)
        }
    }()

    /// The text with every secret it recognises replaced by `[redacted]`.
    public static func redact(_ text: String) -> String {
        var result = text
        for rule in rules {
            result = result.replacing(rule.regex) { match -> String in
                var piece = ""
                if let before = rule.before, let kept = match.output[before].substring { piece += kept }
                piece += placeholder
                if let after = rule.after, let kept = match.output[after].substring { piece += kept }
                return piece
            }
        }
        return result
    }

    /// A URL fit for a log line: secret query values redacted.
    public static func loggableURL(_ url: String) -> String { redact(url) }

    /// The URL's path without scheme, host or query, for error messages.
    public static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] } else { rest = "/" }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        return redact(String(rest))
    }
}
