import Foundation
import Hummingbird
import Logging
import HTTPTypes
import NIOCore

/// An in-process GitHub (releases, assets, uploads) on a real socket at 127.0.0.1 and a free port.
///
/// The API is served at the root and the uploads host at `/uploads`; every release's `upload_url` points there.
public struct FakeGitHub: Sendable {
    public typealias Configuration = FakeGitHubState.Configuration

    public let state: FakeGitHubState
    /// `http://127.0.0.1:<port>`, the value for `GITHUB_API_URL`.
    public let baseURL: String

    /// The accepted token.
    public var token: String { state.configuration.token }

    /// Runs a fake for the duration of `body`, then shuts it down.
    public static func run<Result: Sendable>(_ configuration: Configuration = Configuration(),
                                      _ body: (FakeGitHub) async throws -> Result) async throws -> Result {
        let state = try FakeGitHubState(configuration: configuration)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 20)
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName.lowercased()
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            let incoming = FakeGitHubRequest(method: request.method.rawValue, path: request.uri.path,
                                       query: request.uri.query ?? "", headers: headers,
                                       body: Array(body.readableBytesView))
            let outgoing = await state.handle(incoming)
            var fields = HTTPFields()
            for (name, value) in outgoing.headers {
                if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
            }
            return Response(status: HTTPResponse.Status(code: outgoing.status), headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: outgoing.body)))
        }
        var logger = Logger(label: "FakeGitHub")
        logger.logLevel = .critical
        let app = Application(responder: responder,
                              configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  portContinuation.yield(channel.localAddress?.port ?? 0)
                                  portContinuation.finish()
                              },
                              logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw CocoaError(.fileReadUnknown)
            }
            let baseURL = "http://127.0.0.1:\(port)"
            await state.setBaseURL(baseURL)
            let fake = FakeGitHub(state: state, baseURL: baseURL)
            do {
                let result = try await body(fake)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    // MARK: - Inspection and setup for tests

    public var requests: [FakeGitHubRequest] { get async { await state.requests } }

    public func releases(in repository: String) async -> [FakeGitHubState.StoredRelease] {
        await state.releases.filter { $0.repository == repository }
    }

    @discardableResult
    public func seed(repository: String = "octo/models", tag: String, draft: Bool = false, assets: [String] = [],
                     assetState: String = "uploaded") async -> Int {
        await state.seed(repository: repository, tag: tag, draft: draft, assets: assets, assetState: assetState)
    }

    public func inject(_ failure: FakeGitHubState.Injected) async {
        await state.inject(failure)
    }

    /// Refuses every write with 403, as for a token without `contents: write`.
    public func denyWrites(_ message: String = "Resource not accessible by personal access token") async {
        await state.denyWrites(message)
    }
}
