import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A request as a Google fake sees it.
public struct FakeRequest: Sendable {
    public var method: String
    /// The path, percent-decoded.
    public var path: String
    /// Query parameters, percent-decoded (the last value of a repeated name wins).
    public var query: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }
}

/// A Google fake's answer.
public struct FakeResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)] = []
    public var body: [UInt8] = []

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Runs a fake on Hummingbird 2 on 127.0.0.1 on a free port: a real socket, as the wire sees it.
public final class FakeServer: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static func start(_ handler: @escaping @Sendable (FakeRequest) async -> FakeResponse) async throws -> FakeServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-server")
        logger.logLevel = .critical
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let buffer = try await request.body.collect(upTo: 256 * 1024 * 1024)
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            let fake = FakeRequest(method: request.method.rawValue, path: percentDecoded(request.uri.path),
                                   query: parseQuery(request.uri.query ?? ""), body: bytes)
            let answer = await handler(fake)
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=UTF-8"
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            return Response(status: .init(code: answer.status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw FakeServerError.didNotStart
        }
        return FakeServer(port: port, task: task)
    }

    /// Stops the server and waits for it.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    public enum FakeServerError: Error { case didNotStart }
}

func parseQuery(_ query: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in query.split(separator: "&") where !pair.isEmpty {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = percentDecoded(String(parts[0]).replacingOccurrences(of: "+", with: " "))
        let value = parts.count > 1 ? percentDecoded(String(parts[1]).replacingOccurrences(of: "+", with: " ")) : ""
        result[name] = value
    }
    return result
}

func percentDecoded(_ text: String) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
           let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
            bytes.append(value)
        } else {
            bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
