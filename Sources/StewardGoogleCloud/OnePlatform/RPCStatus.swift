/// A `google.rpc.Status`: the error of an HTTP response (with `status`, the code's name, and `code` the
/// HTTP status), of a long-running operation or of a job (with `code` the numeric google.rpc.Code).
public struct RPCStatus: Sendable, Hashable, Codable {
    public var code: Int?
    public var message: String?
    /// The google.rpc.Code name (`NOT_FOUND`); only in HTTP error bodies.
    public var status: String?
    public var details: [ProtobufValue]?

    public init(code: Int? = nil, message: String? = nil, status: String? = nil, details: [ProtobufValue]? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.details = details
    }

    /// The names of the google.rpc.Code numbers (`google/rpc/code.proto`).
    public static let codeNames: [Int: String] = [
        0: "OK", 1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
        6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
        10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE", 15: "DATA_LOSS",
        16: "UNAUTHENTICATED",
    ]

    /// The body of an HTTP error response: `{"error": Status}`.
    public struct Envelope: Sendable, Hashable, Codable {
        public var error: RPCStatus
        public init(error: RPCStatus) { self.error = error }
    }
}
