import Foundation
import StewardRuntime

/// A GitHub token (personal, fine-grained, App installation or Actions `GITHUB_TOKEN`).
///
/// The value never appears in `description`, errors or logs; only the client's `Authorization` header carries it.
public struct GitHubToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself, for the `Authorization` header only.
    let value: String

    /// Wraps a token; surrounding whitespace (a trailing newline from a file) is trimmed.
    public init(_ value: String) {
        self.value = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Redacted.
    public var description: String { "GitHubToken(redacted)" }
    /// Redacted.
    public var debugDescription: String { description }

    /// The token from `GITHUB_TOKEN`, else from the file named by `GITHUB_TOKEN_FILE`, else none (public reads only).
    ///
    /// An empty `GITHUB_TOKEN` counts as unset. A `GITHUB_TOKEN_FILE` that cannot be read, or that holds only
    /// whitespace, is an error: the user asked for it, and silently going anonymous would hide the mistake.
    public static func resolve(environment: [String: String]) throws -> GitHubToken? {
        if let direct = environment["GITHUB_TOKEN"] {
            let token = GitHubToken(direct)
            if !token.value.isEmpty { return token }
        }
        guard let path = environment["GITHUB_TOKEN_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError(code: "invalid",
                               message: "cannot read the GitHub token file '\(path)' named by GITHUB_TOKEN_FILE; check the path and its permissions",
                               disposition: .stalled)
        }
        let token = GitHubToken(String(decoding: data, as: UTF8.self))
        guard !token.value.isEmpty else {
            throw RuntimeError(code: "invalid",
                               message: "the GitHub token file '\(path)' named by GITHUB_TOKEN_FILE is empty",
                               disposition: .stalled)
        }
        return token
    }
}
