import Logging
import StewardHTTP
import StewardRuntime

/// Sends JSON requests to one Google API and decodes JSON responses; non-2xx responses become `RuntimeError`s.
struct RESTCaller: Sendable {
    /// `https://host` without a trailing slash and without `/v1`.
    let baseURL: String
    /// For logs and errors: `vertex`, `cloudbuild`.
    let service: String
    let transport: any HTTPTransport
    let logger: Logger
    var timeout: Double = 60

    init(baseURL: String, service: String, transport: any HTTPTransport, logger: Logger) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.service = service
        self.transport = transport
        self.logger = logger
    }

    /// Sends a request without a body and decodes the response.
    func call<Response: Decodable>(_ method: String, _ path: String, query: [(String, String?)] = [],
                                   idempotent: Bool, as type: Response.Type) async throws -> Response {
        try await call(method, path, query: query, body: Empty?.none, idempotent: idempotent, as: type)
    }

    /// Sends a request with a JSON body and decodes the response.
    func call<Body: Encodable, Response: Decodable>(_ method: String, _ path: String, query: [(String, String?)] = [],
                                                    body: Body?, idempotent: Bool,
                                                    as type: Response.Type) async throws -> Response {
        let bytes = try body.map { try JSONCoding.encode($0) }
        let response = try await send(method, path, query: query, body: bytes, idempotent: idempotent)
        do {
            return try JSONCoding.decode(type, from: response.body.isEmpty ? Array("{}".utf8) : response.body)
        } catch {
            throw RuntimeError(code: "invalid_response",
                               message: "\(service) \(method) \(path): the response is not the expected JSON (\(error))")
        }
    }

    /// Sends a request and returns the raw successful response.
    func send(_ method: String, _ path: String, query: [(String, String?)], body: [UInt8]?,
              idempotent: Bool) async throws -> APIResponse {
        let url = baseURL + "/" + path + Self.queryString(query)
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if body != nil { headers.append((name: "Content-Type", value: "application/json; charset=utf-8")) }
        let request = APIRequest(method: method, url: url, headers: headers, body: body, idempotent: idempotent,
                                 service: service, timeout: timeout)
        let response = try await transport.send(request)
        logger.debug("google api call", metadata: [
            "http.service": "\(service)", "http.method": "\(method)", "http.path": "\(path)",
            "http.status": "\(response.status)",
        ])
        guard response.isSuccess else { throw HTTPErrorMapper.runtimeError(for: response, request: request) }
        return response
    }

    /// `?a=1&b=2` with values percent-encoded; nil values are left out.
    static func queryString(_ query: [(String, String?)]) -> String {
        let encoded = URLEncoding.query(query)
        return encoded.isEmpty ? "" : "?" + encoded
    }

    /// The empty message (`{}`), for bodies and responses without fields.
    struct Empty: Codable, Sendable {}
}

/// One page of a list call, and the token of the next.
struct Page<Item: Sendable>: Sendable {
    var items: [Item]
    var nextPageToken: String?
}

extension RESTCaller {
    /// Every page of a list call: the same query each time, plus the page token of the previous answer.
    func listAll<Item: Sendable>(maximumPages: Int = 10_000,
                                 _ page: (_ token: String?) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var token: String?
        for _ in 0..<maximumPages {
            let answer = try await page(token)
            items += answer.items
            guard let next = answer.nextPageToken, !next.isEmpty else { return items }
            token = next
        }
        throw RuntimeError(code: "invalid_response", message: "\(service): a list call did not end after \(maximumPages) pages")
    }
}
