import Prometheus
import StewardCore
import StewardRuntime

/// The service's metrics, exposed at `GET /metrics` in the Prometheus text format; every name starts `steward_`.
///
/// `steward_api_requests_total{service,code}` is counted by the HTTP transport through swift-metrics; bootstrap
/// swift-metrics with a `PrometheusMetricsFactory` over `registry` so that it appears here too.
public final class ServeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let reconcileDuration: DurationHistogram
    private let fetchDuration: DurationHistogram
    private let lastSuccess: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        reconcileDuration = registry.makeDurationHistogram(
            descriptor: Self.name("reconcile_duration", unit: "seconds", help: "Time a reconcile took, fetch to recorded conditions."),
            buckets: [.milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                      .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)])
        fetchDuration = registry.makeDurationHistogram(
            descriptor: Self.name("git_fetch_duration", unit: "seconds", help: "Time a git fetch of the watched remote took."),
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                      .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30)])
        lastSuccess = registry.makeGauge(
            descriptor: Self.name("last_success_timestamp", unit: "seconds",
                                  help: "When the last reconcile that failed no action ended, in seconds since the epoch."))
        // Every result's series exists from the start, so that rates and alerts see a zero rather than no data.
        for result in ["succeeded", "failed", "error"] { _ = reconciles(result) }
        for reason in WebhookReceiver.rejectionReasons { _ = webhookRejections(reason) }
    }

    /// A webhook delivery refused before it could trigger anything, by reason.
    public func webhookRejected(reason: String) {
        webhookRejections(reason).increment()
    }

    private func webhookRejections(_ reason: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("webhook_rejected", unit: "total", help: "Webhook deliveries refused, by reason."),
                             labels: [("reason", reason)])
    }

    /// One reconcile: `result` is `succeeded`, `failed` (an action failed) or `error` (it could not run).
    public func reconciled(result: String, duration: Duration, finishedAt: Instant) {
        reconciles(result).increment()
        reconcileDuration.record(duration)
        if result == "succeeded" { lastSuccess.set(finishedAt.secondsSinceEpoch) }
    }

    private func reconciles(_ result: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("reconciles", unit: "total", help: "Reconciles by result."),
                             labels: [("result", result)])
    }

    /// The actions of an apply.
    public func actions(_ results: [ActionResult]) {
        for result in results {
            registry.makeCounter(
                descriptor: Self.name("actions", unit: "total", help: "Actions by resource kind, operation and outcome."),
                labels: [("kind", result.change.resource.kind.rawValue), ("operation", result.change.operation.rawValue),
                         ("outcome", result.outcome.rawValue)]
            ).increment()
        }
    }

    public func fetched(duration: Duration) {
        fetchDuration.record(duration)
    }

    /// The latest accuracy of each Evaluation.
    public func evaluations(_ records: [EvaluationRecord]) {
        var latest: [String: Double] = [:]
        for record in records { latest[record.evaluation] = record.accuracy }
        for (evaluation, accuracy) in latest {
            registry.makeGauge(
                descriptor: Self.name("evaluation_accuracy", unit: "", help: "The latest accuracy each Evaluation measured."),
                labels: [("evaluation", evaluation)]
            ).set(accuracy)
        }
    }

    /// The exposition text.
    public func exposition() -> String {
        registry.emitToString()
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "steward", metricName: metric, unitName: unit, helpText: help)
    }
}
