import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import StewardCore
import StewardGit
import StewardRuntime
import StewardServer
import StewardStore
import Synchronization

/// `steward serve`: the reconciler as a long-running service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconcile continuously: on an interval and on GitHub push webhooks, with health, metrics and a status page.",
        discussion: """
        Endpoints: POST /hooks/github, GET /healthz, GET /readyz, GET /metrics, GET /api/v1/status, GET /.
        SIGTERM or SIGINT stops taking triggers, lets the reconcile in progress finish and exits 0 within 30 seconds.
        """
    )

    @Option(help: "The git repository: a path or a URL (file://, https://).")
    var repo: String = "."

    @Option(help: "The branch to follow (default: the checked-out branch, or the remote's default branch).")
    var branch: String?

    @Option(help: "The manifests folder in the repository.")
    var path: String = "manifests"

    @Option(help: "How often to reconcile without a webhook (e.g. 60s, 5m); each wait varies by up to 10%.")
    var interval: DurationArgument = DurationArgument(seconds: 60)

    @Option(help: "How often work in progress (builds, runs, batch predictions) is looked at between intervals.")
    var pollInterval: DurationArgument = DurationArgument(seconds: 10)

    @Option(help: "Where to listen: HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8080"

    @Option(help: "A file holding the GitHub webhook secret; without it webhook deliveries are refused.")
    var webhookSecretFile: String?

    @Option(help: "How many actions run at once.")
    var concurrency: Int = 4

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if interval.seconds < 1 { throw ValidationError("--interval must be at least 1s, e.g. 60s") }
        if pollInterval.seconds < 0.1 { throw ValidationError("--poll-interval must be at least 100ms, e.g. 10s") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if ListenAddress(listen) == nil { throw ValidationError("--listen '\(listen)': give HOST:PORT, e.g. 127.0.0.1:8080") }
        if case .failure(let error) = RepositoryPath.parse(path) {
            throw ValidationError("--path '\(path)': \(error); give a folder relative to the repository root")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        do {
            try await serve(logger: logger)
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func serve(logger: Logger) async throws {
        let secret = try webhookSecretFile.map(Self.readSecret)
        let address = ListenAddress(listen)!
        let manifests = (try? RepositoryPath.parse(path).get()) ?? RepositoryPath(unchecked: "manifests")
        let source = try await Composition.source(repo: repo, logger: logger)
        let checkedOut = try await source.repository.headBranch()
        guard let branch = branch ?? checkedOut else {
            throw CommandFailure("'\(repo)' has a detached HEAD: name the branch to follow with --branch")
        }
        do {
            _ = try await source.repository.resolve(branch)
        } catch GitError.unknownRevision {
            throw CommandFailure("'\(repo)' has no branch '\(branch)': name an existing one with --branch")
        }
        let store = try Composition.store(global)
        let holder = LockHolder(command: "steward serve", pid: getpid(), host: ProcessInfo.processInfo.hostName,
                                since: Terminal.now())
        let lock = try await store.acquireLock(holder: holder)

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let metrics = ServeMetrics(registry: registry)
        let display = Self.displayURL(repo)
        let facts = ManifestFacts(source: "\(display)@\(branch):\(path)")
        let engine = Composition.engine(source, path: manifests, store: store, global: global, concurrency: concurrency,
                                        pollInterval: pollInterval.seconds, logger: logger)
        var cycle = ReconcileCycle(engine: engine, tracker: BranchTracker(repository: source.repository, branch: branch),
                                   metrics: metrics)
        cycle.loaded = { facts.update($0) }
        let inbox = TriggerInbox()
        let health = LoopHealth()
        // The first reconcile waits until the server listens: a port that is taken stops the start before any work.
        // The last resort of a shutdown: whatever still runs 28 seconds after the signal, the process exits 0 with
        // the action in flight open in the journal, as after a crash, for the next start to take up.
        let reconcile = cycle
        let loop = ReconcileService(inbox: inbox, health: health, interval: .milliseconds(Int64(interval.seconds * 1000)),
                                    reconcileAtStart: false,
                                    stopDeadline: (.seconds(28), {
                                        logger.warning("still stopping 28 seconds after the signal: exiting; the journal holds the action in flight")
                                        Terminal.err("steward serve: stopped with an action in flight; the next start takes it up")
                                        Foundation.exit(0)
                                    }),
                                    clock: Terminal.now, logger: logger) { id, trigger, inbox in
            await reconcile.run(id: id, trigger: trigger, resolved: { inbox.resolved($0) })
        }
        let webhook = WebhookReceiver(secret: secret, watchedRef: "refs/heads/" + branch,
                                      repository: { facts.githubRepository }, inbox: inbox, logger: logger,
                                      rejected: { metrics.webhookRejected(reason: $0) })
        let server = StatusServer(webhook: webhook, health: health, metrics: metrics, store: store,
                                  readinessWindow: max(120, interval.seconds * 3), clock: Terminal.now,
                                  page: { facts.page })
        let application = server.application(host: address.host, port: address.port, logger: logger) { port in
            Terminal.err("steward serve: listening on http://\(address.host):\(port), following \(branch) of \(display)"
                + " every \(formatDuration(seconds: interval.seconds))"
                + (secret == nil ? "; webhooks disabled (no --webhook-secret-file)" : ""))
            inbox.submit(Trigger(.startup))
        }
        if secret == nil {
            logger.warning("no --webhook-secret-file: POST /hooks/github refuses every delivery")
        }

        // The HTTP server is listed last so that it stops first: triggers end before the loop winds down. The
        // reconcile in progress gets 25 seconds to finish; then it is cancelled, its action left in the journal.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: loop), .init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(25)
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch where inbox.isClosed {
            // Shutdown was asked for and the reconcile in progress had to be cancelled: its action stays open in
            // the journal, and the next start closes it and re-plans from what it observes.
            logger.notice("stopped with the reconcile in progress cancelled", metadata: ["error": "\(error)"])
        } catch {
            await lock.release()
            if let message = StatusServer.listenFailure(error, address: listen) { throw CommandFailure(message) }
            throw error
        }
        await lock.release()
        Terminal.err("steward serve: stopped")
    }

    static func readSecret(_ file: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: Composition.absolute(file)) else {
            throw CommandFailure("--webhook-secret-file '\(file)' cannot be read")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        guard !text.isEmpty else { throw CommandFailure("--webhook-secret-file '\(file)' is empty") }
        return Array(text.utf8)
    }

    /// The repository for messages: a local path made absolute, a URL without any credentials in it.
    static func displayURL(_ repo: String) -> String {
        guard RemoteURL.isRemote(repo) else { return Composition.absolute(repo) }
        guard var components = URLComponents(string: repo), components.password != nil || components.user != nil else {
            return repo
        }
        components.user = nil
        components.password = nil
        return components.string ?? repo
    }
}

/// `HOST:PORT`; an IPv6 host is written in brackets.
struct ListenAddress {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }
}

/// What the webhook and the status page need from the manifests of the latest reconcile.
final class ManifestFacts: Sendable {
    private struct State {
        var github: String?
        var page: PageFacts
    }

    private let state: Mutex<State>

    init(source: String) {
        state = Mutex(State(github: nil, page: PageFacts(source: source)))
    }

    func update(_ desired: DesiredState) {
        let github = desired.manifests.project?.1.github?.repository
        var thresholds: [String: Double] = [:]
        for (resource, spec) in desired.manifests.evaluations { thresholds[resource.metadata.name] = spec.threshold }
        state.withLock {
            $0.github = github
            $0.page.thresholds = thresholds
        }
    }

    /// The Project's GitHub repository, whose pushes the webhook accepts (any, until a Project names one).
    var githubRepository: String? { state.withLock { $0.github } }

    var page: PageFacts { state.withLock { $0.page } }
}
