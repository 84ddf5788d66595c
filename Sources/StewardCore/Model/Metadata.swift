/// The `metadata` of a manifest.
public struct ObjectMeta: Sendable, Hashable, Codable {
    /// A DNS-1123 label: 1–63 lowercase letters, digits and `-`, starting and ending alphanumeric.
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
    }

    /// Whether `name` is a DNS-1123 label.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count) else { return false }
        let bytes = Array(name.utf8)
        let alnum: (UInt8) -> Bool = { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }
}

/// A declared resource of any kind, with where it was declared.
public struct Resource: Sendable, Hashable {
    /// The `apiVersion` every manifest carries.
    public static let apiVersion = "steward.dev/v1alpha1"

    public var metadata: ObjectMeta
    public var spec: ResourceSpec
    /// Where `metadata.name` was written; not part of any key.
    public var source: SourceLocation?

    public init(metadata: ObjectMeta, spec: ResourceSpec, source: SourceLocation? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.source = source
    }

    public var id: ResourceID { ResourceID(spec.kind, metadata.name) }
    public var name: String { metadata.name }
}

/// The spec of a resource, by kind.
public enum ResourceSpec: Sendable, Hashable {
    case project(ProjectSpec)
    case dataset(DatasetSpec)
    case pipeline(PipelineSpec)
    case evaluation(EvaluationSpec)
    case endpoint(EndpointSpec)
    case release(ReleaseSpec)

    public var kind: ResourceKind {
        switch self {
        case .project: .project
        case .dataset: .dataset
        case .pipeline: .pipeline
        case .evaluation: .evaluation
        case .endpoint: .endpoint
        case .release: .release
        }
    }
}
