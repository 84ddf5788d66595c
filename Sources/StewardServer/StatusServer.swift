import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StewardCore
import StewardRuntime

/// The service's HTTP side: the GitHub webhook, health and readiness probes, Prometheus metrics,
/// the status API and the status page.
public struct StatusServer: Sendable {
    public var webhook: WebhookReceiver
    public var health: LoopHealth
    public var metrics: ServeMetrics
    public var store: any StateStore
    /// Ready while the last reconcile that ran completed at most this long ago (three times as long while one runs).
    public var readinessWindow: Double
    /// Deliveries larger than this are refused with 413.
    public var maximumBodyBytes: Int
    public var clock: @Sendable () -> Instant
    public var page: @Sendable () -> PageFacts

    public init(webhook: WebhookReceiver, health: LoopHealth, metrics: ServeMetrics, store: any StateStore,
                readinessWindow: Double, maximumBodyBytes: Int = 5 * 1024 * 1024,
                clock: @escaping @Sendable () -> Instant, page: @escaping @Sendable () -> PageFacts = { PageFacts() }) {
        self.page = page
        self.webhook = webhook
        self.health = health
        self.metrics = metrics
        self.store = store
        self.readinessWindow = readinessWindow
        self.maximumBodyBytes = maximumBodyBytes
        self.clock = clock
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hooks/github") { request, _ in try await self.hook(request) }
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in await self.readiness() }
        router.get("/metrics") { _, _ in
            Self.respond(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
        }
        router.get("/api/v1/status") { _, _ in
            do {
                let report = try await StatusReport.load(from: store)
                return Self.respond(.ok, contentType: "application/json; charset=utf-8", report.json())
            } catch {
                return Self.text(.serviceUnavailable, "the state store cannot be read: \(error)\n")
            }
        }
        router.get("/") { _, _ in
            do {
                let report = try await StatusReport.load(from: store)
                let facts = page()
                return Self.respond(.ok, contentType: "text/html; charset=utf-8",
                                    report.html(now: clock().iso8601, thresholds: facts.thresholds, source: facts.source))
            } catch {
                return Self.text(.serviceUnavailable, "the state store cannot be read: \(error)\n")
            }
        }
        return router
    }

    /// The Hummingbird application on `host:port`; `onListening` gets the bound port (for port 0).
    public func application(host: String, port: Int, logger: Logger,
                            onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "steward"),
                    onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                    logger: logger)
    }

    /// What to tell a person when the server cannot listen, or nil when `error` is not about listening.
    public static func listenFailure(_ error: any Error, address: String) -> String? {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE: return "cannot listen on \(address): the address is in use; stop what listens there or pick another with --listen"
        case EACCES: return "cannot listen on \(address): permission denied; ports below 1024 need privileges, pick another with --listen"
        case EADDRNOTAVAIL: return "cannot listen on \(address): no such local address; use 127.0.0.1 or 0.0.0.0 with --listen"
        default: return "cannot listen on \(address): \(error)"
        }
    }

    private func hook(_ request: Request) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
            metrics.webhookRejected(reason: "too_large")
            return Self.text(.contentTooLarge, "delivery of \(length) bytes is over the limit of \(maximumBodyBytes)\n")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            metrics.webhookRejected(reason: "too_large")
            return Self.text(.contentTooLarge, "delivery is over the limit of \(maximumBodyBytes) bytes\n")
        }
        let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        let answer = await webhook.receive(body: body) { name in
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        return Self.text(.init(code: answer.status), answer.message + "\n")
    }

    private func readiness() async -> Response {
        do {
            _ = try await store.reconciles(limit: 1)
        } catch {
            return Self.text(.serviceUnavailable, "not ready: the state store cannot be read: \(error)\n")
        }
        let snapshot = health.snapshot
        // A reconcile that could not run (the repository or the manifests folder unreadable) does not count.
        let failing = snapshot.lastOutcome.flatMap { $0.result == .error ? "; the last one could not run: \($0.message)" : nil } ?? ""
        guard let completed = snapshot.lastCompleted else {
            return Self.text(.serviceUnavailable, "not ready: no reconcile has completed yet\(failing)\n")
        }
        let age = clock().seconds(since: completed)
        if age > readinessWindow, !snapshot.running || age > readinessWindow * 3 {
            return Self.text(.serviceUnavailable,
                             "not ready: the last reconcile completed \(formatDuration(seconds: age)) ago\(failing)\n")
        }
        return Self.text(.ok, "ready: last reconcile \(snapshot.lastOutcome?.result.rawValue ?? "") "
            + "\(formatDuration(seconds: age)) ago\n")
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        respond(status, contentType: "text/plain; charset=utf-8", text)
    }

    static func respond(_ status: HTTPResponse.Status, contentType: String, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// What the status page shows beside the store's report, from the manifests of the latest reconcile.
public struct PageFacts: Sendable {
    /// Evaluation name → the threshold its manifest declares.
    public var thresholds: [String: Double]
    /// What the service follows, e.g. `https://github.com/acme/ml.git@main:manifests`.
    public var source: String?

    public init(thresholds: [String: Double] = [:], source: String? = nil) {
        self.thresholds = thresholds
        self.source = source
    }
}
