/// What exists in the world, as observed by list calls at the start of a reconcile.
public struct ObservedState: Sendable, Hashable, Codable {
    public var images: [ObservedImage]
    public var moduleCopies: [ObservedModuleCopy]
    public var runs: [ObservedRun]
    public var spans: [ObservedSpan]
    public var batches: [ObservedBatch]
    public var batchJobs: [ObservedBatchJob]
    /// Evaluation results found beside the predictions (`evaluation.json`), the source of truth for what was judged.
    public var evaluations: [EvaluationRecord]
    public var models: [ObservedModel]
    public var endpoints: [ObservedEndpoint]
    public var releases: [ObservedRelease]
    public var checks: [ObservedCheck]

    public init(images: [ObservedImage] = [], moduleCopies: [ObservedModuleCopy] = [], runs: [ObservedRun] = [],
                spans: [ObservedSpan] = [], batches: [ObservedBatch] = [], batchJobs: [ObservedBatchJob] = [],
                evaluations: [EvaluationRecord] = [], models: [ObservedModel] = [], endpoints: [ObservedEndpoint] = [],
                releases: [ObservedRelease] = [], checks: [ObservedCheck] = []) {
        self.checks = checks
        self.images = images
        self.moduleCopies = moduleCopies
        self.runs = runs
        self.spans = spans
        self.batches = batches
        self.batchJobs = batchJobs
        self.evaluations = evaluations
        self.models = models
        self.endpoints = endpoints
        self.releases = releases
    }

    /// A digest of everything observed except ages, so a saved plan can tell when the world moved.
    public var digest: String {
        var lines: [String] = []
        lines += images.map { "image \($0.name):\($0.tree) \($0.state.rawValue)" }
        lines += moduleCopies.map { "modules \($0.destination) \($0.tree)" }
        lines += runs.map { "run \($0.id) \($0.state.rawValue)" }
        lines += checks.map { "check \($0.id) \($0.state.rawValue)" }
        lines += spans.map { "span \($0.root) \($0.number) \($0.state.rawValue)" }
        lines += batches.map { "batch \($0.uri) \($0.samples.count)" }
        lines += batchJobs.map { "job \($0.id) \($0.state.rawValue)" }
        lines += evaluations.map { "evaluation \($0.evaluation) \($0.batch) \($0.model)" }
        lines += models.map { "model \($0.id)" }
        lines += endpoints.map { e in
            "endpoint \(e.resource) \(e.deployedModels.map(\.modelID).sorted()) \(e.trafficSplit.sorted { $0.key < $1.key })"
        }
        lines += releases.map { "release \($0.repository) \($0.tag) \($0.assets.sorted())" }
        return ContentKey.digest(of: lines.sorted().joined(separator: "\n"))
    }
}

/// The state of long-running work, common to builds, runs and jobs.
public enum WorkState: String, Sendable, Hashable, Codable {
    case pending
    case running
    case succeeded
    case failed
    case cancelled

    /// Whether the work has ended, one way or another.
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// An image, built or being built.
public struct ObservedImage: Sendable, Hashable, Codable {
    public var name: String
    /// The tag: a tree id.
    public var tree: String
    public var state: WorkState
    /// The build's id, when a build made it.
    public var buildID: String?
    public var startedAt: Instant?
    public var message: String?
    /// The `local.build` command that made it, where the provider records one (the local provider).
    public var localBuild: String?

    public init(name: String, tree: String, state: WorkState, buildID: String? = nil, startedAt: Instant? = nil,
                message: String? = nil, localBuild: String? = nil) {
        self.name = name
        self.tree = tree
        self.state = state
        self.buildID = buildID
        self.startedAt = startedAt
        self.message = message
        self.localBuild = localBuild
    }
}

/// A completed copy of a modules folder at `<destination>/<tree>/`.
public struct ObservedModuleCopy: Sendable, Hashable, Codable {
    public var destination: StorageURI
    public var tree: String

    public init(destination: StorageURI, tree: String) {
        self.destination = destination
        self.tree = tree
    }
}

/// A pipeline run Steward started (recognised by its labels).
public struct ObservedRun: Sendable, Hashable, Codable {
    public var id: String
    public var pipeline: String
    public var key: String
    public var attempt: Int
    public var commit: String?
    public var imageTree: String?
    public var modulesTree: String?
    public var spans: [Int]
    public var state: WorkState
    public var createdAt: Instant
    public var finishedAt: Instant?
    public var message: String?
    /// Where the run's model is (`gs://…`), once it succeeded and the Pipeline declares `outputs.model`.
    public var modelURI: String?
    /// Whether the run blessed its model; nil when the Pipeline declares no blessing.
    public var blessed: Bool?

    public init(id: String, pipeline: String, key: String, attempt: Int, commit: String? = nil, imageTree: String? = nil,
                modulesTree: String? = nil, spans: [Int] = [], state: WorkState, createdAt: Instant,
                finishedAt: Instant? = nil, message: String? = nil, modelURI: String? = nil, blessed: Bool? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.key = key
        self.attempt = attempt
        self.commit = commit
        self.imageTree = imageTree
        self.modulesTree = modulesTree
        self.spans = spans
        self.state = state
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.message = message
        self.modelURI = modelURI
        self.blessed = blessed
    }
}

/// A span folder `span-<N>` under a Dataset's root.
public struct ObservedSpan: Sendable, Hashable, Codable {
    /// `_SUCCESS` written, or no marker at all (made outside Steward): usable.
    /// Only `_STEWARD_IN_PROGRESS`: Steward was writing it and stopped.
    public enum State: String, Sendable, Hashable, Codable {
        case complete
        case external
        case inProgress = "in-progress"

        public var isComplete: Bool { self != .inProgress }
    }

    public var root: StorageURI
    public var number: Int
    public var state: State
    /// The collection batch a Steward-written span was made from, as its markers record it.
    public var source: String?

    public init(root: StorageURI, number: Int, state: State, source: String? = nil) {
        self.root = root
        self.number = number
        self.state = state
        self.source = source
    }
}

/// A check of a Pipeline, run or running.
public struct ObservedCheck: Sendable, Hashable, Codable {
    public var id: String
    public var pipeline: String
    public var name: String
    public var key: String
    public var attempt: Int
    public var state: WorkState
    /// The command's exit status, when it ran to the end.
    public var exitCode: Int32?
    /// Why it failed: the exit status and the last lines of its output, or why it could not run.
    public var message: String?
    /// Whether it failed as a result (the command exited non-zero, or produced no template) rather than
    /// because it could not run (a vanished process, a build that timed out): only a result holds the Pipeline.
    public var failedByResult: Bool
    /// Where the template it produced is stored, and the digest of its content.
    public var template: StorageURI?
    public var templateDigest: String?
    public var createdAt: Instant
    public var finishedAt: Instant?

    public init(id: String, pipeline: String, name: String, key: String, attempt: Int, state: WorkState,
                exitCode: Int32? = nil, message: String? = nil, failedByResult: Bool = false, template: StorageURI? = nil,
                templateDigest: String? = nil, createdAt: Instant, finishedAt: Instant? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.name = name
        self.key = key
        self.attempt = attempt
        self.state = state
        self.exitCode = exitCode
        self.message = message
        self.failedByResult = failedByResult
        self.template = template
        self.templateDigest = templateDigest
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}
