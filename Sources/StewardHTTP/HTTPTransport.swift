import StewardRuntime

/// One HTTP request to a cloud API.
public struct APIRequest: Sendable {
    public var method: String
    /// The full URL, query included.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Only idempotent requests are retried (GET, and writes with a precondition or a client-chosen id).
    public var idempotent: Bool
    /// The service, for logs and metrics: `storage`, `vertex`, `cloudbuild`, `github`, `oauth`.
    public var service: String
    /// Per-call timeout in seconds.
    public var timeout: Double

    /// A request; `idempotent` defaults to true for GET and HEAD only.
    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                idempotent: Bool? = nil, service: String, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.idempotent = idempotent ?? (method == "GET" || method == "HEAD")
        self.service = service
        self.timeout = timeout
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) }?.value
    }
}

/// One HTTP response.
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// A response as received.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) }?.value
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends requests. Layers wrap one another: authorization, retries, then the wire.
public protocol HTTPTransport: Sendable {
    /// Sends the request and returns whatever status came back; throws only when no response arrived.
    func send(_ request: APIRequest) async throws -> APIResponse
}

extension String {
    func caseInsensitiveCompare(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
