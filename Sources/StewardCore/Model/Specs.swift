/// Which backend reconciles the declared system.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case gcp
    case local
}

/// `kind: Project`: where the system runs. At most one per repository; without one,
/// Steward uses the local provider with its defaults.
public struct ProjectSpec: Sendable, Hashable, Codable {
    public var provider: ProviderKind
    public var gcp: GCP?
    public var github: GitHub?
    public var local: Local?

    public init(provider: ProviderKind, gcp: GCP? = nil, github: GitHub? = nil, local: Local? = nil) {
        self.provider = provider
        self.gcp = gcp
        self.github = github
        self.local = local
    }

    /// `spec.gcp`: required when `provider: gcp`.
    public struct GCP: Sendable, Hashable, Codable {
        public var project: String
        public var region: String
        /// The service account pipeline runs and batch predictions run as, unless a resource names its own.
        public var serviceAccount: String?
        /// `gs://NAME`: where Steward stages build sources and keeps its own records.
        public var bucket: StorageURI
        /// Where images are pushed when a Pipeline's `image.name` has no registry host; e.g. `us-docker.pkg.dev/P/repo`.
        public var registry: String?

        public init(project: String, region: String, serviceAccount: String? = nil, bucket: StorageURI, registry: String? = nil) {
            self.project = project
            self.region = region
            self.serviceAccount = serviceAccount
            self.bucket = bucket
            self.registry = registry
        }
    }

    /// `spec.github`: the repository whose push webhooks are accepted and the default for Releases.
    public struct GitHub: Sendable, Hashable, Codable {
        /// `owner/name`.
        public var repository: String
        public init(repository: String) { self.repository = repository }
    }

    /// `spec.local`: the local provider's settings.
    public struct Local: Sendable, Hashable, Codable {
        /// Folder of the local provider's state; relative to the current directory. Default `.steward/local`.
        public var root: String?
        public init(root: String? = nil) { self.root = root }
    }
}

/// `kind: Dataset`: training data as numbered spans, and where new labelled data is collected.
public struct DatasetSpec: Sendable, Hashable, Codable {
    /// Spans live at `<root>/span-<N>/{train,test}/`.
    public var root: StorageURI
    /// Percentages for new spans; `train` + `test` = 100.
    public var splits: Splits
    public var format: DataFormat
    /// Class names in label order: the `int64` label of a TFRecord example is the index here.
    public var classes: [String]
    /// A repository folder with `train/` and `test/` that becomes `span-1` while no complete span exists.
    public var initialSpan: RepositoryPath?
    public var collection: Collection?

    public init(root: StorageURI, splits: Splits = Splits(), format: DataFormat = .tfrecord, classes: [String] = [],
                initialSpan: RepositoryPath? = nil, collection: Collection? = nil) {
        self.root = root
        self.splits = splits
        self.format = format
        self.classes = classes
        self.initialSpan = initialSpan
        self.collection = collection
    }

    /// How a new span's samples are divided.
    public struct Splits: Sendable, Hashable, Codable {
        public var train: Int
        public var test: Int
        public init(train: Int = 80, test: Int = 20) {
            self.train = train
            self.test = test
        }
    }

    /// Where newly collected, labelled samples arrive: one folder per batch under `prefix`.
    public struct Collection: Sendable, Hashable, Codable {
        public var prefix: StorageURI
        /// A file-name glob that counts as a sample, e.g. `*.jpg`.
        public var pattern: String
        public var labels: LabelSource
        /// A batch is evaluated once it holds at least this many samples.
        public var minSamples: Int

        public init(prefix: StorageURI, pattern: String = "*", labels: LabelSource = .filenamePrefix, minSamples: Int = 1) {
            self.prefix = prefix
            self.pattern = pattern
            self.labels = labels
            self.minSamples = minSamples
        }
    }
}

/// How a span's files are written.
public enum DataFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// TFRecord files of `tf.train.Example` with `image` (bytes) and `label` (int64).
    case tfrecord
    /// The sample files as they are.
    case copy
}

/// Where a collected sample's true label comes from.
public enum LabelSource: Sendable, Hashable, Codable {
    /// `<label>_<n>.<ext>`: the file name up to the first `_`.
    case filenamePrefix
    /// A CSV file in each batch folder with lines `filename,label`.
    case file(String)
}

/// `kind: Pipeline`: a training pipeline run on Vertex AI Pipelines (or locally).
public struct PipelineSpec: Sendable, Hashable, Codable {
    /// The compiled KFP/TFX pipeline spec: a repository path or `gs://`.
    public var template: TemplateSource
    /// The pipeline root (`gcsOutputDirectory`).
    public var root: StorageURI
    public var displayName: String?
    public var image: Image?
    public var modules: Modules?
    /// The Dataset whose spans the run trains on.
    public var dataset: String?
    /// Train on the newest N complete spans.
    public var spans: Int?
    /// Runtime parameters, with placeholders such as `${spans.glob}` in string values.
    public var parameters: [String: ParameterValue]
    public var serviceAccount: String?
    public var enableCaching: Bool
    /// How many times a failed run is retried with a new attempt before the Pipeline is `Stalled`.
    public var retries: Int
    public var concurrencyPolicy: ConcurrencyPolicy
    public var suspend: Bool
    public var outputs: Outputs?
    public var local: LocalRun?
    /// Commands run in order inside the image, with the modules in place, before any run of a key.
    public var checks: [Check]

    public init(template: TemplateSource, root: StorageURI, displayName: String? = nil, image: Image? = nil,
                modules: Modules? = nil, dataset: String? = nil, spans: Int? = nil,
                parameters: [String: ParameterValue] = [:], serviceAccount: String? = nil, enableCaching: Bool = true,
                retries: Int = 0, concurrencyPolicy: ConcurrencyPolicy = .queue, suspend: Bool = false,
                outputs: Outputs? = nil, local: LocalRun? = nil, checks: [Check] = []) {
        self.checks = checks
        self.template = template
        self.root = root
        self.displayName = displayName
        self.image = image
        self.modules = modules
        self.dataset = dataset
        self.spans = spans
        self.parameters = parameters
        self.serviceAccount = serviceAccount
        self.enableCaching = enableCaching
        self.retries = retries
        self.concurrencyPolicy = concurrencyPolicy
        self.suspend = suspend
        self.outputs = outputs
        self.local = local
    }

    /// The container image the pipeline's tasks run in, built from a folder of the repository.
    public struct Image: Sendable, Hashable, Codable {
        /// Image repository without tag, e.g. `gcr.io/P/cifar10-training`; the tag is the context's tree id.
        public var name: String
        public var context: RepositoryPath
        /// Defaults to `<context>/Dockerfile`.
        public var dockerfile: RepositoryPath?

        public init(name: String, context: RepositoryPath, dockerfile: RepositoryPath? = nil) {
            self.name = name
            self.context = context
            self.dockerfile = dockerfile
        }

        public var resolvedDockerfile: RepositoryPath { dockerfile ?? context.appending("Dockerfile") }
    }

    /// Code copied to storage instead of baked into the image, so that changing it needs no build.
    public struct Modules: Sendable, Hashable, Codable {
        public var source: RepositoryPath
        /// Copies go to `<destination>/<tree id>/`.
        public var destination: StorageURI

        public init(source: RepositoryPath, destination: StorageURI) {
            self.source = source
            self.destination = destination
        }
    }

    /// Where a run's results are found.
    public struct Outputs: Sendable, Hashable, Codable {
        /// The task and output artifact holding the trained model.
        public var model: ArtifactRef?
        /// The task and output artifact holding the blessing, where the pipeline reports one.
        public var blessing: ArtifactRef?

        public init(model: ArtifactRef? = nil, blessing: ArtifactRef? = nil) {
            self.model = model
            self.blessing = blessing
        }
    }

    /// A gate before training: a command that must exit 0 for the image and modules of a commit.
    public struct Check: Sendable, Hashable, Codable {
        /// A DNS-1123 label, unique in the Pipeline.
        public var name: String
        /// Run with `/bin/sh -c` in the image context, the modules folder in place.
        public var command: String
        /// Seconds the command may take; default 10 minutes.
        public var timeout: Double
        /// The file the command writes, relative to the image context, when it produces the pipeline spec.
        public var template: RepositoryPath?

        public static let defaultTimeout: Double = 600

        public init(name: String, command: String, timeout: Double = Check.defaultTimeout, template: RepositoryPath? = nil) {
            self.name = name
            self.command = command
            self.timeout = timeout
            self.template = template
        }
    }

    /// How to run on the local provider.
    public struct LocalRun: Sendable, Hashable, Codable {
        /// Run with `/bin/sh -c` inside the image folder.
        public var command: String
        /// Run once inside a freshly exported image folder.
        public var build: String?

        public init(command: String, build: String? = nil) {
            self.command = command
            self.build = build
        }
    }
}

/// A task's output artifact in a pipeline run.
public struct ArtifactRef: Sendable, Hashable, Codable {
    public var task: String
    public var artifact: String
    public init(task: String, artifact: String) {
        self.task = task
        self.artifact = artifact
    }
}

/// Where a compiled pipeline spec comes from.
public enum TemplateSource: Sendable, Hashable, Codable, CustomStringConvertible {
    case repository(RepositoryPath)
    case storage(StorageURI)
    /// The file a check of the Pipeline produces (`template: {check: NAME}`).
    case check(String)

    public var description: String {
        switch self {
        case .repository(let path): path.value
        case .storage(let uri): uri.description
        case .check(let name): "the output of check '\(name)'"
        }
    }
}

/// What happens when a new run is due while another one is in progress.
public enum ConcurrencyPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Let the running run finish, then start the newest.
    case queue = "Queue"
    /// Cancel the running run and start the newest.
    case replace = "Replace"
    /// Start the newest at once, beside the running one.
    case allow = "Allow"
}

/// A runtime parameter value: YAML scalars keep their type (integers travel as JSON numbers).
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        }
    }
}

/// Where a resource takes its model from.
public struct ModelSource: Sendable, Hashable, Codable {
    /// The Pipeline whose newest successful (and blessed, where it reports a blessing) run provides the model.
    public var pipeline: String
    public init(pipeline: String) { self.pipeline = pipeline }
}

/// `kind: Evaluation`: judge a model on newly collected data.
public struct EvaluationSpec: Sendable, Hashable, Codable {
    /// The model to judge: exactly one of `endpoint` (the newest model deployed there: the canary during a rollout) or `pipeline`.
    public var target: Target
    /// The Dataset whose collection batches are evaluated.
    public var dataset: String
    public var metric: Metric
    /// The model passes when the metric is at least this, in [0, 1].
    public var threshold: Double
    public var batchPrediction: BatchPrediction
    public var onFailure: OnFailure
    public var suspend: Bool
    public var local: LocalPredict?

    public init(target: Target, dataset: String, metric: Metric = .accuracy, threshold: Double,
                batchPrediction: BatchPrediction = BatchPrediction(), onFailure: OnFailure = OnFailure(),
                suspend: Bool = false, local: LocalPredict? = nil) {
        self.target = target
        self.dataset = dataset
        self.metric = metric
        self.threshold = threshold
        self.batchPrediction = batchPrediction
        self.onFailure = onFailure
        self.suspend = suspend
        self.local = local
    }

    /// The model under evaluation.
    public enum Target: Sendable, Hashable, Codable {
        case endpoint(String)
        case pipeline(String)
    }

    /// The metric computed from predictions and true labels.
    public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
        case accuracy
    }

    /// Vertex batch prediction settings.
    public struct BatchPrediction: Sendable, Hashable, Codable {
        public var machineType: String
        public var startingReplicaCount: Int
        public var maxReplicaCount: Int
        public var instancesFormat: InstancesFormat
        /// Where predictions are written; defaults to `<pipeline root>/evaluations`.
        public var outputRoot: StorageURI?

        public init(machineType: String = "n1-standard-2", startingReplicaCount: Int = 1, maxReplicaCount: Int = 1,
                    instancesFormat: InstancesFormat = .fileList, outputRoot: StorageURI? = nil) {
            self.machineType = machineType
            self.startingReplicaCount = startingReplicaCount
            self.maxReplicaCount = maxReplicaCount
            self.instancesFormat = instancesFormat
            self.outputRoot = outputRoot
        }
    }

    /// How the instances of a batch are handed to the prediction job.
    public enum InstancesFormat: String, Sendable, Hashable, Codable, CaseIterable {
        case fileList = "file-list"
        case jsonl
    }

    /// What follows a failed evaluation.
    public struct OnFailure: Sendable, Hashable, Codable {
        /// Prepare a new span from the batch.
        public var newSpan: Bool
        /// The Pipeline expected to retrain on the new span; it must consume the Evaluation's dataset.
        public var retrain: String?

        public init(newSpan: Bool = false, retrain: String? = nil) {
            self.newSpan = newSpan
            self.retrain = retrain
        }
    }

    /// How to predict on the local provider: reads instances, writes Vertex-style JSONL.
    public struct LocalPredict: Sendable, Hashable, Codable {
        public var command: String
        public init(command: String) { self.command = command }
    }
}

/// `kind: Endpoint`: a Vertex endpoint serving the newest good model of a Pipeline.
public struct EndpointSpec: Sendable, Hashable, Codable {
    public var displayName: String
    public var model: ModelSource
    public var servingImage: String
    public var machineType: String
    public var minReplicas: Int
    public var maxReplicas: Int
    public var rollout: Rollout
    /// Undeploy models left without traffic.
    public var prune: Bool
    public var suspend: Bool

    public init(displayName: String, model: ModelSource,
                servingImage: String = "us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-8:latest",
                machineType: String = "n1-standard-4", minReplicas: Int = 1, maxReplicas: Int = 1,
                rollout: Rollout = Rollout(), prune: Bool = false, suspend: Bool = false) {
        self.displayName = displayName
        self.model = model
        self.servingImage = servingImage
        self.machineType = machineType
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.rollout = rollout
        self.prune = prune
        self.suspend = suspend
    }

    /// How a new model is rolled out.
    public struct Rollout: Sendable, Hashable, Codable {
        /// Share of traffic a new model gets until an Evaluation of it passes; 100 rolls out at once.
        public var canaryPercent: Int
        public init(canaryPercent: Int = 100) { self.canaryPercent = canaryPercent }
    }
}

/// `kind: Release`: a GitHub release per new good model, with the model as an asset.
public struct ReleaseSpec: Sendable, Hashable, Codable {
    /// `owner/name`; defaults to the Project's `github.repository`.
    public var repository: String?
    public var model: ModelSource
    /// Tag template, e.g. `model-${run.key}`; placeholders `${pipeline}`, `${run.id}`, `${run.key}`, `${run.commit}`.
    public var tag: String
    public var assets: [Asset]
    public var draft: Bool
    public var prerelease: Bool
    public var suspend: Bool

    public init(repository: String? = nil, model: ModelSource, tag: String = "model-${run.key}",
                assets: [Asset] = [Asset(name: "saved_model.tar.gz")], draft: Bool = false, prerelease: Bool = false,
                suspend: Bool = false) {
        self.repository = repository
        self.model = model
        self.tag = tag
        self.assets = assets
        self.draft = draft
        self.prerelease = prerelease
        self.suspend = suspend
    }

    /// A release asset built from the model folder; `.tar.gz` names are gzip-compressed tarballs.
    public struct Asset: Sendable, Hashable, Codable {
        public var name: String
        public init(name: String) { self.name = name }
    }
}
