import Metrics

/// Counts every request that goes on the wire as `steward_api_requests_total{service,code}`: the HTTP status,
/// or `error` when no response arrived. Retries are separate requests and are counted each.
///
/// It reports through swift-metrics: without a bootstrapped backend (every command but `serve`) it costs nothing.
public struct MeteredTransport: HTTPTransport {
    public static let metricName = "steward_api_requests_total"
    private let base: any HTTPTransport
    private let factory: any MetricsFactory

    /// Counts through `factory`, by default the process's bootstrapped one.
    public init(base: any HTTPTransport, factory: any MetricsFactory = MetricsSystem.factory) {
        self.base = base
        self.factory = factory
    }

    public func send(_ request: APIRequest) async throws -> APIResponse {
        do {
            let response = try await base.send(request)
            count(request.service, code: String(response.status))
            return response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            count(request.service, code: "error")
            throw error
        }
    }

    private func count(_ service: String, code: String) {
        Counter(label: Self.metricName, dimensions: [("service", service), ("code", code)], factory: factory).increment()
    }
}
