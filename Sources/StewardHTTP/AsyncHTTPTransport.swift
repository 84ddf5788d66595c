import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import StewardRuntime

/// The wire: async-http-client. Never logs headers or bodies.
///
/// By default it uses one process-wide client set up for API calls: bodies arrive as sent (no transparent
/// decompression, so checksums cover the stored bytes), redirects are not followed (an `Authorization` header
/// never travels to another host), and a refused connection fails at once rather than being retried inside the
/// client until the deadline, so that `RetryingTransport` alone decides about retries.
///
/// A request that gets no answer throws a `RuntimeError`: `timeout` or `unavailable` (both `retry`), or `invalid`
/// for a URL it cannot use; cancellation stays a `CancellationError`.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let ownsClient: Bool

    /// Uses the process-wide API client (no shutdown needed).
    public init() {
        client = apiHTTPClient
        ownsClient = false
    }

    /// Uses `client`; its owner shuts it down.
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
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeout * 1000)))
            var buffer = try await response.body.collect(upTo: 512 * 1024 * 1024)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return APIResponse(status: Int(response.status.code),
                               headers: response.headers.map { (name: $0.name, value: $0.value) }, body: bytes)
        } catch {
            throw Self.classify(error, request: request)
        }
    }

    /// A transport failure as a `RuntimeError` (or the cancellation it was).
    static func classify(_ error: any Error, request: APIRequest) -> any Error {
        if error is CancellationError { return error }
        if let client = error as? HTTPClientError {
            switch client {
            case .cancelled:
                return CancellationError()
            case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
                let message = "\(request.service) \(request.method): cannot use the URL \(HTTPErrorMapper.hostDescription(request.url)): \(client)"
                return RuntimeError(code: HTTPErrorCode.invalid.rawValue, message: Redactor.redact(message), disposition: .stalled)
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                 .tlsHandshakeTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                let message = "\(request.service) \(request.method) \(Redactor.path(of: request.url)): \(HTTPErrorMapper.hostDescription(request.url)) did not answer within \(request.timeout) s"
                return RuntimeError(code: HTTPErrorCode.timeout.rawValue, message: Redactor.redact(message), disposition: .retry)
            default:
                break
            }
        }
        return HTTPErrorMapper.runtimeError(forTransportError: error, request: request)
    }
}

/// The process-wide client behind `AsyncHTTPTransport()`; it lives as long as the process, like `HTTPClient.shared`.
private let apiHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    configuration.decompression = .disabled
    configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(120))
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
