import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StewardHTTP

/// A reverse proxy on 127.0.0.1 that forwards every request unchanged to `upstream` and records it, so that the
/// requests Steward sends to fake-gcs-server (which keeps no request log) can be counted like the fakes' own.
final class RecordingProxy: Sendable {
    /// What went through the proxy: method and raw path with query.
    actor Log {
        private(set) var requests: [(method: String, target: String)] = []
        func append(_ method: String, _ target: String) { requests.append((method, target)) }
        var count: Int { requests.count }
    }

    let baseURL: String
    let log: Log
    private let task: Task<Void, any Error>

    private init(baseURL: String, log: Log, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.log = log
        self.task = task
    }

    /// `host:port`, as `STORAGE_EMULATOR_HOST` takes it.
    var hostAndPort: String { String(baseURL.dropFirst("http://".count)) }

    static func start(upstream: String) async throws -> RecordingProxy {
        let log = Log()
        let wire = AsyncHTTPTransport()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let buffer = try await request.body.collect(upTo: 256 * 1024 * 1024)
            let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            let target = request.uri.string
            await log.append(request.method.rawValue, target)
            let headers = request.headers.filter { $0.name.canonicalName != "host" }.map { (name: $0.name.rawName, value: $0.value) }
            let forwarded = APIRequest(method: request.method.rawValue, url: upstream + target, headers: headers,
                                       body: body.isEmpty ? nil : body, idempotent: false, service: "proxy")
            let answer = try await wire.send(forwarded)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                guard let field = HTTPField.Name(name), ![HTTPField.Name.contentLength, .transferEncoding, .connection].contains(field)
                else { continue }
                fields.append(HTTPField(name: field, value: value))
            }
            return Response(status: .init(code: answer.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        var logger = Logger(label: "recording-proxy")
        logger.logLevel = .critical
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw HarnessError("the recording proxy did not start")
        }
        return RecordingProxy(baseURL: "http://127.0.0.1:\(port)", log: log, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
