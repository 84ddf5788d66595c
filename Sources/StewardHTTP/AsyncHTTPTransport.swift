import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The wire: async-http-client. Never logs headers or bodies.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let ownsClient: Bool

    /// Uses the shared client (no shutdown needed).
    public init() {
        client = HTTPClient.shared
        ownsClient = false
    }

    public init(client: HTTPClient) {
        self.client = client
        ownsClient = false
    }

    public func send(_ request: APIRequest) async throws -> APIResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeout * 1000)))
        var buffer = try await response.body.collect(upTo: 512 * 1024 * 1024)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        return APIResponse(status: Int(response.status.code),
                           headers: response.headers.map { (name: $0.name, value: $0.value) }, body: bytes)
    }
}
