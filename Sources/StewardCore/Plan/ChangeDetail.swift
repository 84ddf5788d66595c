/// What the applier needs to carry out one change, by operation.
public enum ChangeDetail: Sendable, Hashable, Codable {
    case buildImage(BuildImage)
    case copyModules(CopyModules)
    case runCheck(RunCheck)
    case runPipeline(RunPipeline)
    case cancelRun(CancelRun)
    case prepareSpan(PrepareSpan)
    case batchPredict(BatchPredict)
    case evaluate(EvaluateBatch)
    case uploadModel(UploadModel)
    case createRelease(CreateRelease)
    case uploadAsset(UploadAsset)
    case createEndpoint(CreateEndpoint)
    case deployModel(DeployModel)
    case setTraffic(SetTraffic)
    case undeployModel(UndeployModel)
    /// Nothing to do but look again later.
    case wait(Wait)
}

/// Judge a model on a batch from a finished batch prediction job, and record the result.
public struct EvaluateBatch: Sendable, Hashable, Codable {
    public var evaluation: String
    public var batch: StorageURI
    public var instances: [StorageURI]
    public var labels: LabelSource
    public var classes: [String]
    public var modelID: String
    public var jobID: String
    /// The job's predictions.
    public var predictions: StorageURI
    /// Where the record is written, beside the predictions.
    public var record: StorageURI
    public var threshold: Double

    public init(evaluation: String, batch: StorageURI, instances: [StorageURI], labels: LabelSource, classes: [String],
                modelID: String, jobID: String, predictions: StorageURI, record: StorageURI, threshold: Double) {
        self.evaluation = evaluation
        self.batch = batch
        self.instances = instances
        self.labels = labels
        self.classes = classes
        self.modelID = modelID
        self.jobID = jobID
        self.predictions = predictions
        self.record = record
        self.threshold = threshold
    }
}

/// Build the image of a Pipeline from a folder of the repository at a commit.
public struct BuildImage: Sendable, Hashable, Codable {
    public var pipeline: String
    /// Image repository without tag.
    public var imageName: String
    /// The tag: the tree id of the context without the modules folder.
    public var tree: String
    public var context: RepositoryPath
    /// Left out of the image (the modules folder), when it lies inside the context.
    public var excluding: RepositoryPath?
    public var dockerfile: RepositoryPath
    public var commit: String
    /// `local.build`, run once inside the exported folder on the local provider.
    public var localBuild: String?

    public init(pipeline: String, imageName: String, tree: String, context: RepositoryPath, excluding: RepositoryPath?,
                dockerfile: RepositoryPath, commit: String, localBuild: String?) {
        self.pipeline = pipeline
        self.imageName = imageName
        self.tree = tree
        self.context = context
        self.excluding = excluding
        self.dockerfile = dockerfile
        self.commit = commit
        self.localBuild = localBuild
    }

    /// `name:tree`.
    public var reference: String { "\(imageName):\(tree)" }
}

/// Copy a modules folder at a commit to `<destination>/<tree id>/`.
public struct CopyModules: Sendable, Hashable, Codable {
    public var source: RepositoryPath
    public var tree: String
    public var destination: StorageURI
    public var commit: String

    public init(source: RepositoryPath, tree: String, destination: StorageURI, commit: String) {
        self.source = source
        self.tree = tree
        self.destination = destination
        self.commit = commit
    }

    /// Where the copy lands.
    public var target: StorageURI { destination.appending(tree) }
}

/// Start one attempt of a pipeline run.
public struct RunPipeline: Sendable, Hashable, Codable {
    /// Deterministic: the pipeline name, the key and the attempt (`pipelineJobId` on Vertex).
    public var runID: String
    public var pipeline: String
    public var displayName: String
    public var attempt: Int
    public var key: String
    public var commit: String
    public var template: TemplateSource
    public var root: StorageURI
    /// Expanded parameters.
    public var parameters: [String: ParameterValue]
    public var spans: [Int]
    public var datasetRoot: StorageURI?
    /// `name:tag`, when the Pipeline declares an image.
    public var image: String?
    public var imageTree: String?
    /// Where the modules were copied, when the Pipeline declares modules.
    public var modules: StorageURI?
    public var modulesTree: String?
    public var serviceAccount: String?
    public var enableCaching: Bool
    public var outputs: PipelineSpec.Outputs?
    public var local: PipelineSpec.LocalRun?
    /// Labels Steward puts on the run; they make it observable without the state store.
    public var labels: [String: String]

    public init(runID: String, pipeline: String, displayName: String, attempt: Int, key: String, commit: String,
                template: TemplateSource, root: StorageURI, parameters: [String: ParameterValue], spans: [Int],
                datasetRoot: StorageURI?, image: String?, imageTree: String?, modules: StorageURI?, modulesTree: String?,
                serviceAccount: String?, enableCaching: Bool, outputs: PipelineSpec.Outputs?,
                local: PipelineSpec.LocalRun?, labels: [String: String]) {
        self.runID = runID
        self.pipeline = pipeline
        self.displayName = displayName
        self.attempt = attempt
        self.key = key
        self.commit = commit
        self.template = template
        self.root = root
        self.parameters = parameters
        self.spans = spans
        self.datasetRoot = datasetRoot
        self.image = image
        self.imageTree = imageTree
        self.modules = modules
        self.modulesTree = modulesTree
        self.serviceAccount = serviceAccount
        self.enableCaching = enableCaching
        self.outputs = outputs
        self.local = local
        self.labels = labels
    }
}

/// Cancel a run that a newer one replaces (`concurrencyPolicy: Replace`).
public struct CancelRun: Sendable, Hashable, Codable {
    public var runID: String
    public init(runID: String) { self.runID = runID }
}

/// Write span N of a Dataset: `_STEWARD_IN_PROGRESS`, then the data, then `_SUCCESS`.
public struct PrepareSpan: Sendable, Hashable, Codable {
    /// Where the span's samples come from.
    public enum Source: Sendable, Hashable, Codable {
        /// A repository folder with `train/` and `test/`, copied as it is.
        case initial(path: RepositoryPath, tree: String, commit: String)
        /// A collection batch, split into train and test by the dataset's `splits`.
        case batch(StorageURI, samples: [StorageURI])
    }

    public var dataset: String
    public var root: StorageURI
    public var span: Int
    public var source: Source
    public var format: DataFormat
    public var splits: DatasetSpec.Splits
    public var classes: [String]
    public var pattern: String?
    public var labels: LabelSource?

    public init(dataset: String, root: StorageURI, span: Int, source: Source, format: DataFormat,
                splits: DatasetSpec.Splits, classes: [String], pattern: String? = nil, labels: LabelSource? = nil) {
        self.dataset = dataset
        self.root = root
        self.span = span
        self.source = source
        self.format = format
        self.splits = splits
        self.classes = classes
        self.pattern = pattern
        self.labels = labels
    }

    /// `<root>/span-<N>`.
    public var folder: StorageURI { root.appending("span-\(span)") }
}

/// Work in progress that a later reconcile observes again.
public struct Wait: Sendable, Hashable, Codable {
    /// What is awaited: a run id, a build, a span, …
    public var object: String
    /// When the awaited work started, if known; the plan shows the age.
    public var since: Instant?

    public init(object: String, since: Instant?) {
        self.object = object
        self.since = since
    }
}

/// Run one check of a Pipeline for the image and modules of a commit.
public struct RunCheck: Sendable, Hashable, Codable {
    /// Deterministic: `<pipeline>-<check>-<key prefix>-<attempt>`; the local folder name, the build's tag.
    public var checkID: String
    public var pipeline: String
    public var name: String
    /// Hashes the image tree, the modules tree, the command, the template path and the checks before it.
    public var key: String
    public var attempt: Int
    public var command: String
    public var timeout: Double
    /// The file the command writes, relative to the image context.
    public var template: RepositoryPath?
    /// The image reference with its tree tag; the check runs in it.
    public var image: String
    public var imageTree: String
    public var context: RepositoryPath
    public var dockerfile: RepositoryPath
    /// The modules folder and where it lies inside the context, with its tree and its copy.
    public var modulesSource: RepositoryPath?
    public var modulesTree: String?
    public var modules: StorageURI?
    public var commit: String
    public var localBuild: String?
    /// Where the produced template is stored (a folder), when the check names one.
    public var templateDestination: StorageURI?

    public init(checkID: String, pipeline: String, name: String, key: String, attempt: Int, command: String, timeout: Double,
                template: RepositoryPath?, image: String, imageTree: String, context: RepositoryPath, dockerfile: RepositoryPath,
                modulesSource: RepositoryPath?, modulesTree: String?, modules: StorageURI?, commit: String, localBuild: String?,
                templateDestination: StorageURI?) {
        self.templateDestination = templateDestination
        self.checkID = checkID
        self.pipeline = pipeline
        self.name = name
        self.key = key
        self.attempt = attempt
        self.command = command
        self.timeout = timeout
        self.template = template
        self.image = image
        self.imageTree = imageTree
        self.context = context
        self.dockerfile = dockerfile
        self.modulesSource = modulesSource
        self.modulesTree = modulesTree
        self.modules = modules
        self.commit = commit
        self.localBuild = localBuild
    }
}
