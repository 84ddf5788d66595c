import Logging
import StewardHTTP
import StewardRuntime

/// A REST client of Vertex AI (aiplatform v1) for one project and region.
///
/// Calls go to the regional host `https://{region}-aiplatform.googleapis.com` (or an override such as
/// `STEWARD_VERTEX_ENDPOINT`). Creates that take a client-chosen id are marked idempotent, so a retrying
/// transport may repeat them: the 409 a repeat meets is turned into adoption by the callers.
public struct VertexClient: Sendable {
    public let project: String
    public let location: String
    /// How long-running operations are polled.
    public var polling: OperationPolling
    let caller: RESTCaller

    /// - Parameters:
    ///   - baseURL: the host without `/v1`; nil for the regional Google endpoint.
    public init(project: String, location: String, baseURL: String? = nil, transport: any HTTPTransport,
                polling: OperationPolling = OperationPolling(), logger: Logger) {
        self.project = project
        self.location = location
        self.polling = polling
        caller = RESTCaller(baseURL: baseURL ?? Self.defaultBaseURL(location: location), service: "vertex",
                            transport: transport, logger: logger)
    }

    /// `https://{location}-aiplatform.googleapis.com`.
    public static func defaultBaseURL(location: String) -> String {
        "https://\(location)-aiplatform.googleapis.com"
    }

    /// `projects/{project}/locations/{location}`.
    public var parent: String { "projects/\(project)/locations/\(location)" }

    /// The full resource name of a resource given by id or already by name.
    public func resourceName(_ collection: String, _ idOrName: String) -> String {
        idOrName.hasPrefix("projects/") ? idOrName : "\(parent)/\(collection)/\(idOrName)"
    }

    /// The last segment of a resource name (`…/models/churn@2` → `churn@2`).
    public static func id(of name: String) -> String {
        name.split(separator: "/").last.map(String.init) ?? name
    }

    // MARK: Operations

    /// Reads a long-running operation.
    public func operation(_ name: String) async throws -> LongRunningOperation {
        try await caller.call("GET", "v1/\(name)", idempotent: true, as: LongRunningOperation.self)
    }

    /// Polls an operation until it is done; a failed operation throws its error. Past the polling deadline it
    /// throws a `timeout` error to retry later (the operation goes on).
    public func waitUntilDone(_ operation: LongRunningOperation, what: String) async throws -> LongRunningOperation {
        var current = operation
        var intervals = polling.intervals()[...]
        while !current.isDone {
            guard let name = current.name else {
                throw RuntimeError(code: "invalid_response", message: "vertex: \(what) returned an operation without a name")
            }
            guard let interval = intervals.popFirst() else {
                throw RuntimeError(code: "timeout", message: "vertex: \(what) is still in progress (operation \(name))")
            }
            try await polling.sleep(interval)
            current = try await self.operation(name)
        }
        if let error = current.error { throw RPCErrorMapping.error(for: error, what: "vertex: \(what)") }
        caller.logger.debug("vertex operation done", metadata: ["operation": "\(current.name ?? "")", "what": "\(what)"])
        return current
    }
}
