/// A path inside the repository, relative to its root, normalised (`a/b`, never `/a`, `./a` or `a/../b`).
public struct RepositoryPath: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The normalised path; empty for the repository root.
    public var value: String

    /// What is wrong with a repository path.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case absolute
        case leavesRepository
        case invalidCharacter

        public var description: String {
            switch self {
            case .empty: "empty repository path"
            case .absolute: "absolute path"
            case .leavesRepository: "path leaves the repository"
            case .invalidCharacter: "path contains a control character or backslash"
            }
        }
    }

    public init(unchecked value: String) { self.value = value }

    /// Parses a user-written relative path; `.` segments and trailing slashes are dropped,
    /// `..` is resolved and must not climb above the root.
    public static func parse(_ text: String) -> Result<RepositoryPath, ParseError> {
        if text.isEmpty { return .failure(.empty) }
        if text.hasPrefix("/") || text.hasPrefix("~") { return .failure(.absolute) }
        if text.contains(where: { $0.asciiValue.map { $0 < 0x20 } ?? false || $0 == "\\" }) {
            return .failure(.invalidCharacter)
        }
        var parts: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                if parts.isEmpty { return .failure(.leavesRepository) }
                parts.removeLast()
            default: parts.append(segment)
            }
        }
        return .success(RepositoryPath(unchecked: parts.joined(separator: "/")))
    }

    public var description: String { value.isEmpty ? "." : value }

    /// Whether `other` is this path or lies under it.
    public func contains(_ other: RepositoryPath) -> Bool {
        value.isEmpty || other.value == value || other.value.hasPrefix(value + "/")
    }

    /// `other` relative to this path, when it lies under it.
    public func relative(_ other: RepositoryPath) -> String? {
        guard contains(other) else { return nil }
        if value.isEmpty { return other.value }
        return other.value == value ? "" : String(other.value.dropFirst(value.count + 1))
    }

    public func appending(_ component: String) -> RepositoryPath {
        value.isEmpty ? RepositoryPath(unchecked: component) : RepositoryPath(unchecked: "\(value)/\(component)")
    }

    /// The last segment.
    public var lastComponent: String { value.split(separator: "/").last.map(String.init) ?? "" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let path): self = path
        case .failure(let error):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error): '\(text)'"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (a: RepositoryPath, b: RepositoryPath) -> Bool { a.value < b.value }
}
