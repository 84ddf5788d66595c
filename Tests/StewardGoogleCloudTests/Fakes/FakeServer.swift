import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A request as a fake sees it.
struct FakeRequest: Sendable {
    var method: String
    /// The path, percent-decoded.
    var path: String
    /// Query parameters, percent-decoded (the last value of a repeated name wins).
    var query: [String: String]
    var body: [UInt8]
}

/// A fake's answer.
struct FakeResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
}

/// Runs a fake on Hummingbird 2 on 127.0.0.1 on a free port: a real socket, as the wire sees it.
final class FakeServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(_ handler: @escaping @Sendable (FakeRequest) async -> FakeResponse) async throws -> FakeServer {
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
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    enum FakeServerError: Error { case didNotStart }
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
