/// A `google.longrunning.Operation`, as Vertex AI and Cloud Build return for slow work.
public struct LongRunningOperation: Sendable, Hashable, Codable {
    /// `projects/…/locations/…/…/operations/ID`: poll it with a GET of `v1/{name}`.
    public var name: String?
    /// Progress, with an `@type`.
    public var metadata: [String: ProtobufValue]?
    /// Absent means false.
    public var done: Bool?
    /// Set when the operation failed (`code` is a numeric google.rpc.Code).
    public var error: RPCStatus?
    /// The result when the operation succeeded, with an `@type`.
    public var response: [String: ProtobufValue]?

    public init(name: String? = nil, metadata: [String: ProtobufValue]? = nil, done: Bool? = nil, error: RPCStatus? = nil,
                response: [String: ProtobufValue]? = nil) {
        self.name = name
        self.metadata = metadata
        self.done = done
        self.error = error
        self.response = response
    }

    /// Whether the operation has finished, one way or the other.
    public var isDone: Bool { done ?? false }

    /// The response decoded as a type (its `@type` member is ignored).
    public func decodeResponse<T: Decodable>(as type: T.Type) throws -> T? {
        try response.map { try ProtobufValue.object($0).decode(as: type) }
    }

    /// The metadata decoded as a type (its `@type` member is ignored).
    public func decodeMetadata<T: Decodable>(as type: T.Type) throws -> T? {
        try metadata.map { try ProtobufValue.object($0).decode(as: type) }
    }
}
