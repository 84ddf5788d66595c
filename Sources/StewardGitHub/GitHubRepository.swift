import StewardRuntime

/// A repository written `owner/name`, checked before it goes into a URL path.
public struct GitHubRepository: Sendable, Hashable, CustomStringConvertible {
    /// The user or organisation.
    public let owner: String
    /// The repository name.
    public let name: String

    /// Parses `owner/name`; anything else (extra segments, empty parts, characters GitHub does not allow) is an error.
    public init(_ fullName: String) throws {
        let parts = fullName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isAllowed) }),
              parts[1] != ".", parts[1] != ".." else {
            throw RuntimeError(code: "invalid",
                               message: "repository '\(fullName)' is not in the form 'owner/name'",
                               disposition: .stalled)
        }
        owner = String(parts[0])
        name = String(parts[1])
    }

    /// `owner/name`.
    public var description: String { "\(owner)/\(name)" }

    /// The characters GitHub allows in owner and repository names.
    private static func isAllowed(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_"
            || character == ".")
    }
}
