/// A resource's condition, as controllers report it.
public struct Condition: Sendable, Hashable, Codable {
    /// `Ready`: desired state reached; `Progressing`: work started or due; `Stalled`: needs a person;
    /// `Suspended`: `suspend: true`, nothing is planned.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case ready = "Ready"
        case progressing = "Progressing"
        case stalled = "Stalled"
        case suspended = "Suspended"
    }

    public var type: Kind
    /// A CamelCase word, safe as a metric label: `RunSucceeded`, `RetriesExhausted`, `InexactSpanPattern`, …
    public var reason: String
    public var message: String
    /// The bounded error code (`permission_denied`, `unavailable`, …) when an action's error is what the
    /// condition reports; nil otherwise.
    public var code: String?

    public init(_ type: Kind, reason: String, message: String, code: String? = nil) {
        self.type = type
        self.reason = reason
        self.message = message
        self.code = code
    }
}

/// The operations a plan can hold; the names are part of the JSON contract.
public enum Operation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case prepareSpan = "prepare-span"
    case buildImage = "build-image"
    case copyModules = "copy-modules"
    case runCheck = "run-check"
    case runPipeline = "run-pipeline"
    case cancelRun = "cancel-run"
    case batchPredict = "batch-predict"
    case evaluate = "evaluate"
    case uploadModel = "upload-model"
    case createRelease = "create-release"
    case uploadAsset = "upload-asset"
    case createEndpoint = "create-endpoint"
    case deployModel = "deploy-model"
    case setTraffic = "set-traffic"
    case undeployModel = "undeploy-model"

    /// Order within one resource: the order the operations depend on each other.
    public var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Operation, b: Operation) -> Bool { a.order < b.order }
}

/// One evaluation of a model on one collection batch.
public struct EvaluationRecord: Sendable, Hashable, Codable {
    public var evaluation: String
    /// The batch folder, e.g. `gs://b/collection/2026-11`.
    public var batch: String
    /// The model's id (a Vertex model resource name, or a local model id).
    public var model: String
    public var samples: Int
    public var correct: Int
    /// Prediction lines that carried an error.
    public var errors: Int
    /// Samples with no prediction at all.
    public var missing: Int
    public var accuracy: Double
    public var threshold: Double
    public var passed: Bool
    public var recordedAt: Instant

    public init(evaluation: String, batch: String, model: String, samples: Int, correct: Int, errors: Int, missing: Int,
                accuracy: Double, threshold: Double, passed: Bool, recordedAt: Instant) {
        self.evaluation = evaluation
        self.batch = batch
        self.model = model
        self.samples = samples
        self.correct = correct
        self.errors = errors
        self.missing = missing
        self.accuracy = accuracy
        self.threshold = threshold
        self.passed = passed
        self.recordedAt = recordedAt
    }
}
