/// The kinds of resource a manifest can declare.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case project = "Project"
    case dataset = "Dataset"
    case pipeline = "Pipeline"
    case evaluation = "Evaluation"
    case endpoint = "Endpoint"
    case release = "Release"

    /// Dependency order: a kind only refers to kinds before it.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (a: ResourceKind, b: ResourceKind) -> Bool { a.order < b.order }
}

/// `Kind/name`, the identity of a declared resource.
public struct ResourceID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    /// Parses `Kind/name`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let kind = ResourceKind(rawValue: String(parts[0])) else { return nil }
        self.init(kind, String(parts[1]))
    }

    public static func < (a: ResourceID, b: ResourceID) -> Bool {
        (a.kind.order, a.name) < (b.kind.order, b.name)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ResourceID(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a resource id: '\(text)'"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
