import StewardFakes
import Hummingbird
import MetricsTestKit
import StewardHTTP
import Testing

@Suite struct MeteredTransportTests {
    @Test("every request on the wire is counted by service and status; one with no answer as error")
    func counts() async throws {
        let metrics = TestMetrics()
        let router = Router()
        router.get("/ok") { _, _ in makeResponse(.ok, "{}") }
        router.get("/missing") { _, _ in makeResponse(.notFound, #"{"error": {"code": 404}}"#) }
        try await withLocalServer(router) { base in
            let transport = MeteredTransport(base: AsyncHTTPTransport(), factory: metrics)
            _ = try await transport.send(APIRequest(method: "GET", url: base + "/ok", service: "vertex"))
            _ = try await transport.send(APIRequest(method: "GET", url: base + "/ok", service: "vertex"))
            _ = try await transport.send(APIRequest(method: "GET", url: base + "/missing", service: "storage"))
        }
        // A port nobody listens on: no response at all.
        let transport = MeteredTransport(base: AsyncHTTPTransport(), factory: metrics)
        await #expect(throws: (any Error).self) {
            _ = try await transport.send(APIRequest(method: "GET", url: "http://127.0.0.1:9/", service: "github", timeout: 2))
        }
        let label = MeteredTransport.metricName
        #expect(try metrics.expectCounter(label, [("service", "vertex"), ("code", "200")]).totalValue == 2)
        #expect(try metrics.expectCounter(label, [("service", "storage"), ("code", "404")]).totalValue == 1)
        #expect(try metrics.expectCounter(label, [("service", "github"), ("code", "error")]).totalValue == 1)
    }
}
