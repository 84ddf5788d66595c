import StewardCore

/// Builds container images from image contexts: Cloud Build on `gcp`, exported folders on `local`.
public protocol ImageBuilder: Sendable {
    /// The images and builds of the given image names that exist (tags are tree ids).
    func observe(names: Set<String>) async throws -> [ObservedImage]
    /// Starts a build, or adopts one for the same key that already exists. Returns the image's state:
    /// `succeeded` when the build finished within the call (locally), `pending`/`running` when it goes on.
    func build(_ request: BuildImage, key: String, source: any Source) async throws -> ObservedImage
}

/// Runs training pipelines: Vertex AI Pipelines on `gcp`, detached processes on `local`.
public protocol PipelineService: Sendable {
    /// Every run carrying Steward's labels (list calls, all pages).
    func observeRuns() async throws -> [ObservedRun]
    /// Starts a run with the deterministic id `request.runID`; an existing run with that id is adopted.
    /// `template` is the compiled pipeline spec when it comes from the repository.
    func start(_ request: RunPipeline, template: [UInt8]?) async throws -> StartOutcome
    /// Cancels a run; a run that already ended is left as it is.
    func cancel(runID: String) async throws
}

/// Runs a Pipeline's checks inside its image with the modules in place: Cloud Build on `gcp`, detached
/// processes in scratch folders on `local`.
public protocol CheckService: Sendable {
    /// Every check run or running (list calls).
    func observeChecks() async throws -> [ObservedCheck]
    /// Starts the check `request.checkID`, or adopts the one of that id. `source` gives the context's files
    /// where the provider stages them.
    func start(_ request: RunCheck, source: any Source) async throws -> StartOutcome
}

/// A provider without checks: every Pipeline that declares some is told so when a check is due.
public struct NoCheckService: CheckService {
    public var provider: String
    public init(provider: String) { self.provider = provider }
    public func observeChecks() async throws -> [ObservedCheck] { [] }
    public func start(_ request: RunCheck, source: any Source) async throws -> StartOutcome {
        throw RuntimeError(code: "unimplemented", message: "the \(provider) provider does not run checks; remove 'checks' from Pipeline '\(request.pipeline)'",
                           disposition: .stalled)
    }
}

/// Whether a side effect created something or found it already there.
public enum StartOutcome: String, Sendable, Hashable, Codable {
    case created
    case adopted
}
