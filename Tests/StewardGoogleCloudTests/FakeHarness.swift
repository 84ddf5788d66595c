import Logging
import StewardFakes
import StewardGoogleCloud
import StewardHTTP

/// A fake Vertex AI and a fake Cloud Build on real sockets, and clients that talk to them through the wire
/// transport, with polling fast enough for tests.
struct FakeHarness: Sendable {
    let vertex: FakeVertex
    let cloudBuild: FakeCloudBuild
    let vertexServer: FakeServer
    let cloudBuildServer: FakeServer
    let apis: GoogleCloudAPIs

    static let logger: Logger = {
        var logger = Logger(label: "steward-google-cloud-tests")
        logger.logLevel = .critical
        return logger
    }()

    static let polling = OperationPolling(initialInterval: .milliseconds(5), multiplier: 1.5,
                                          maximumInterval: .milliseconds(20), deadline: .seconds(10))

    /// Starts both fakes; call `stop()` at the end of the test.
    static func start() async throws -> FakeHarness {
        let vertex = try FakeVertex()
        let cloudBuild = try FakeCloudBuild()
        let vertexServer = try await FakeServer.start { await vertex.handle($0) }
        let cloudBuildServer = try await FakeServer.start { await cloudBuild.handle($0) }
        let apis = GoogleCloudAPIs(
            project: vertex.projectID, region: vertex.location, transport: AsyncHTTPTransport(),
            environment: [GoogleCloudAPIs.vertexEndpointVariable: vertexServer.baseURL,
                          GoogleCloudAPIs.cloudBuildEndpointVariable: cloudBuildServer.baseURL + "/"],
            polling: polling, logger: logger)
        return FakeHarness(vertex: vertex, cloudBuild: cloudBuild, vertexServer: vertexServer,
                           cloudBuildServer: cloudBuildServer, apis: apis)
    }

    var client: VertexClient { apis.vertex }
    var builds: CloudBuildClient { apis.cloudBuild }

    func stop() async {
        await vertexServer.stop()
        await cloudBuildServer.stop()
    }

    /// Runs a test body against fresh fakes and stops them afterwards, whatever happens.
    static func with(_ body: (FakeHarness) async throws -> Void) async throws {
        let harness = try await start()
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
