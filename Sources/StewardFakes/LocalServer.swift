import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on 127.0.0.1 on a free port (a real socket) for the duration of `body`, which gets
/// the base URL.
public func withLocalServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (_ baseURL: String) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "local-server")
    logger.logLevel = .critical
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw LocalServerError.didNotStart
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

public enum LocalServerError: Error { case didNotStart }

/// Collects values across concurrent handlers.
public actor Recorder<Value: Sendable> {
    public private(set) var values: [Value] = []
    public init() {}
    public func append(_ value: Value) { values.append(value) }
    public var count: Int { values.count }
}

/// A response with a status, headers and a body.
public func makeResponse(_ status: HTTPResponse.Status, _ body: [UInt8], headers: [(String, String)] = [],
                         contentType: String = "application/json") -> Response {
    var fields = HTTPFields()
    fields[.contentType] = contentType
    for (name, value) in headers { if let key = HTTPField.Name(name) { fields[key] = value } }
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}


/// A response with a status, headers and a text body.
public func makeResponse(_ status: HTTPResponse.Status, _ text: String, headers: [(String, String)] = [],
                         contentType: String = "application/json") -> Response {
    makeResponse(status, Array(text.utf8), headers: headers, contentType: contentType)
}
