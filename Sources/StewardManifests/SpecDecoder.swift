import StewardCore
import Yams

/// Decodes the `spec` of one resource by kind, with the checks that need only that spec.
/// References to other resources are collected for the linker.
struct SpecDecoder {
    let reader: NodeReader
    let kind: ResourceKind
    /// The resource's name, when it is valid; used in messages.
    let name: String?
    private(set) var references: [Reference] = []

    init(reader: NodeReader, kind: ResourceKind, name: String?) {
        self.reader = reader
        self.kind = kind
        self.name = name
    }

    /// The spec, or `nil` when it has errors (all of them reported).
    mutating func decode(_ node: Node) -> ResourceSpec? {
        let before = reader.log.errorCount
        let spec: ResourceSpec?
        switch kind {
        case .project: spec = decodeProject(node).map(ResourceSpec.project)
        case .dataset: spec = decodeDataset(node).map(ResourceSpec.dataset)
        case .pipeline: spec = decodePipeline(node).map(ResourceSpec.pipeline)
        case .evaluation: spec = decodeEvaluation(node).map(ResourceSpec.evaluation)
        case .endpoint: spec = decodeEndpoint(node).map(ResourceSpec.endpoint)
        case .release: spec = decodeRelease(node).map(ResourceSpec.release)
        }
        return reader.log.errorCount == before ? spec : nil
    }

    private var context: String { "\(kind.rawValue) spec" }

    /// A name that refers to another resource, checked for form here and resolved by the linker.
    private mutating func reference(_ node: Node, _ role: Reference.Role) -> String? {
        guard let target = reader.name(node) else { return nil }
        references.append(Reference(role: role, name: target, location: reader.location(node)))
        return target
    }

    /// Reads an optional value with `read`; a present but invalid value counts as an error.
    private func optional<T>(_ fields: FieldSet, _ field: String, _ read: (Node) -> T?) -> T? {
        fields[field].flatMap(read)
    }

    private func integer(_ node: Node, in range: ClosedRange<Int>, field: String) -> Int? {
        guard let value = reader.int(node) else { return nil }
        guard range.contains(value) else {
            let bounds = range.upperBound != Int.max ? "between \(range.lowerBound) and \(range.upperBound)"
                : range.lowerBound == 0 ? "0 or more" : "at least \(range.lowerBound)"
            reader.error(node, "\(field) must be \(bounds), got '\(value)'")
            return nil
        }
        return value
    }

    // MARK: Project

    static let projectFields = ["provider", "gcp", "github", "local"]
    static let gcpFields = ["project", "region", "serviceAccount", "bucket", "registry"]

    private func decodeProject(_ node: Node) -> ProjectSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.projectFields) else { return nil }
        let providerNode = fields.required("provider")
        let provider = providerNode.flatMap { reader.enumeration($0, ProviderKind.self, field: "provider") }

        var gcp: ProjectSpec.GCP?
        if let gcpNode = fields["gcp"], let g = reader.fields(gcpNode, in: fields.nested("gcp"), known: Self.gcpFields) {
            let project = g.required("project").flatMap { reader.string($0) }
            let region = g.required("region").flatMap { reader.string($0) }
            let serviceAccount = optional(g, "serviceAccount") { reader.string($0) }
            let bucket = g.required("bucket").flatMap { reader.storageURI($0, bucketOnly: true) }
            let registry = optional(g, "registry") { reader.string($0) }
            if let project, let region, let bucket {
                gcp = ProjectSpec.GCP(project: project, region: region, serviceAccount: serviceAccount, bucket: bucket, registry: registry)
            }
        }
        if provider == .gcp, fields["gcp"] == nil, let providerNode {
            reader.error(providerNode, "provider 'gcp' needs 'gcp' in \(context)",
                         hint: "add spec.gcp with project, region and bucket")
        }
        var github: ProjectSpec.GitHub?
        if let node = fields["github"], let g = reader.fields(node, in: fields.nested("github"), known: ["repository"]) {
            github = g.required("repository").flatMap(repositoryName).map(ProjectSpec.GitHub.init)
        }
        var local: ProjectSpec.Local?
        if let node = fields["local"], let l = reader.fields(node, in: fields.nested("local"), known: ["root"]) {
            local = ProjectSpec.Local(root: optional(l, "root") { reader.string($0) })
        }
        guard let provider else { return nil }
        return ProjectSpec(provider: provider, gcp: gcp, github: github, local: local)
    }

    /// A GitHub repository written `owner/name`.
    private func repositoryName(_ node: Node) -> String? {
        guard let text = reader.string(node) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".."
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        }
        guard valid else {
            reader.error(node, "invalid GitHub repository '\(NodeReader.clip(text))'", hint: "write it 'owner/name'")
            return nil
        }
        return text
    }

    // MARK: Dataset

    static let datasetFields = ["root", "splits", "format", "classes", "initialSpan", "collection"]
    static let collectionFields = ["prefix", "pattern", "labels", "minSamples"]

    private func decodeDataset(_ node: Node) -> DatasetSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.datasetFields) else { return nil }
        let root = fields.required("root").flatMap { reader.storageURI($0) }
        let splits = fields["splits"].map(decodeSplits) ?? DatasetSpec.Splits()
        let format = optional(fields, "format") { reader.enumeration($0, DataFormat.self, field: "format") } ?? .tfrecord
        var classes: [String] = []
        if let node = fields["classes"], let items = reader.sequence(node, of: "class names") {
            var seen: [String: Node] = [:]
            for item in items {
                guard let name = reader.string(item) else { continue }
                if let first = seen[name] {
                    reader.error(item, "duplicate class '\(NodeReader.clip(name))'",
                                 hint: "first listed at \(reader.location(first).line):\(reader.location(first).column)")
                    continue
                }
                seen[name] = item
                classes.append(name)
            }
        }
        let initialSpan = optional(fields, "initialSpan") { reader.repositoryPath($0) }
        var collection: DatasetSpec.Collection?
        if let node = fields["collection"] {
            collection = decodeCollection(node, context: fields.nested("collection"))
            if format == .tfrecord, classes.isEmpty, let key = fields.key("collection") {
                reader.error(key, "a tfrecord Dataset with a collection needs 'classes'",
                             hint: "list the class names in label order: a label's int64 value is its index in 'classes'")
            }
        }
        guard let root else { return nil }
        return DatasetSpec(root: root, splits: splits, format: format, classes: classes,
                           initialSpan: initialSpan, collection: collection)
    }

    /// `{train, test}` in percent; a missing one is the rest of 100.
    private func decodeSplits(_ node: Node) -> DatasetSpec.Splits {
        guard let fields = reader.fields(node, in: "\(context).splits", known: ["train", "test"]) else { return .init() }
        let train = optional(fields, "train") { integer($0, in: 0...100, field: "splits.train") }
        let test = optional(fields, "test") { integer($0, in: 0...100, field: "splits.test") }
        switch (train, test, fields["train"], fields["test"]) {
        case (let train?, let test?, _, _):
            if train + test != 100 {
                reader.error(node, "splits add up to \(train + test), not 100", hint: "make train + test = 100")
            }
            return .init(train: train, test: test)
        case (let train?, nil, _, nil): return .init(train: train, test: 100 - train)
        case (nil, let test?, nil, _): return .init(train: 100 - test, test: test)
        default: return .init()
        }
    }

    private func decodeCollection(_ node: Node, context: String) -> DatasetSpec.Collection? {
        guard let fields = reader.fields(node, in: context, known: Self.collectionFields) else { return nil }
        let prefix = fields.required("prefix").flatMap { reader.storageURI($0) }
        let pattern = optional(fields, "pattern") { reader.string($0) } ?? "*"
        var labels = LabelSource.filenamePrefix
        if let node = fields["labels"] {
            labels = decodeLabels(node, context: "\(context).labels") ?? labels
        }
        let minSamples = optional(fields, "minSamples") { integer($0, in: 1...Int.max, field: "minSamples") } ?? 1
        guard let prefix else { return nil }
        return DatasetSpec.Collection(prefix: prefix, pattern: pattern, labels: labels, minSamples: minSamples)
    }

    /// `filename-prefix`, or `{file: labels.csv}`.
    private func decodeLabels(_ node: Node, context: String) -> LabelSource? {
        if case .mapping = node {
            guard let fields = reader.fields(node, in: context, known: ["file"]),
                  let fileNode = fields.required("file"), let file = reader.string(fileNode) else { return nil }
            let segments = file.split(separator: "/", omittingEmptySubsequences: false)
            if file.hasPrefix("/") || segments.contains("..") || segments.contains("") {
                reader.error(fileNode, "invalid labels file '\(NodeReader.clip(file))'",
                             hint: "name a file inside each batch folder, e.g. 'labels.csv'")
                return nil
            }
            return .file(file)
        }
        guard let text = reader.string(node) else { return nil }
        guard text == "filename-prefix" else {
            reader.error(node, "invalid labels '\(NodeReader.clip(text))'",
                         hint: "use 'filename-prefix' or a mapping {file: labels.csv}")
            return nil
        }
        return .filenamePrefix
    }

    // MARK: Pipeline

    static let pipelineFields = [
        "template", "root", "displayName", "image", "modules", "dataset", "spans", "parameters", "serviceAccount",
        "enableCaching", "retries", "concurrencyPolicy", "suspend", "outputs", "local", "checks",
    ]

    private mutating func decodePipeline(_ node: Node) -> PipelineSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.pipelineFields) else { return nil }
        let template = fields.required("template").flatMap(decodeTemplate)
        let root = fields.required("root").flatMap { reader.storageURI($0) }
        let displayName = optional(fields, "displayName") { reader.string($0) }
        let image = fields["image"].flatMap { decodeImage($0, context: fields.nested("image")) }
        let modules = fields["modules"].flatMap { decodeModules($0, context: fields.nested("modules")) }
        if let image, let modules, let modulesNode = fields["modules"] {
            checkModules(modules, inside: image, at: modulesNode)
        }
        let dataset = fields["dataset"].flatMap { reference($0, .pipelineDataset) }
        let spans = optional(fields, "spans") { integer($0, in: 1...Int.max, field: "spans") }
        if let spansKey = fields.key("spans"), fields["dataset"] == nil {
            reader.error(spansKey, "'spans' needs 'dataset' in \(context)", hint: "name the Dataset whose spans the Pipeline trains on")
        }
        var parameters: [String: ParameterValue] = [:]
        if let node = fields["parameters"] {
            parameters = decodeParameters(node, fields: fields)
        }
        let serviceAccount = optional(fields, "serviceAccount") { reader.string($0) }
        let enableCaching = optional(fields, "enableCaching") { reader.bool($0) } ?? true
        let retries = optional(fields, "retries") { integer($0, in: 0...Int.max, field: "retries") } ?? 0
        let policy = optional(fields, "concurrencyPolicy") {
            reader.enumeration($0, ConcurrencyPolicy.self, field: "concurrencyPolicy")
        } ?? .queue
        let suspend = optional(fields, "suspend") { reader.bool($0) } ?? false
        let outputs = fields["outputs"].flatMap { decodeOutputs($0, context: fields.nested("outputs")) }
        var local: PipelineSpec.LocalRun?
        if let node = fields["local"], let l = reader.fields(node, in: fields.nested("local"), known: ["command", "build"]) {
            let command = l.required("command").flatMap { reader.string($0) }
            let build = optional(l, "build") { reader.string($0) }
            local = command.map { PipelineSpec.LocalRun(command: $0, build: build) }
        }
        var checks: [PipelineSpec.Check] = []
        if let node = fields["checks"] {
            checks = decodeChecks(node, context: fields.nested("checks"))
            if fields["image"] == nil, let key = fields.key("checks") {
                reader.error(key, "'checks' needs 'image' in \(context)", hint: "a check runs inside the Pipeline's image; declare 'image'")
            }
        }
        if case .check(let name)? = template, let node = fields["template"] {
            if !checks.contains(where: { $0.name == name }) {
                reader.error(node, "template names check '\(NodeReader.clip(name))', but the Pipeline declares no such check",
                             hint: checks.isEmpty ? "declare it under 'checks'" : "declared: \(checks.map { "'\($0.name)'" }.joined(separator: ", "))")
            } else if checks.first(where: { $0.name == name })?.template == nil {
                reader.error(node, "template names check '\(NodeReader.clip(name))', which produces no template",
                             hint: "give the check 'template: FILE', the path its command writes, relative to the image context")
            }
        }
        guard let template, let root else { return nil }
        return PipelineSpec(template: template, root: root, displayName: displayName, image: image, modules: modules,
                            dataset: dataset, spans: spans, parameters: parameters, serviceAccount: serviceAccount,
                            enableCaching: enableCaching, retries: retries, concurrencyPolicy: policy, suspend: suspend,
                            outputs: outputs, local: local, checks: checks)
    }

    static let checkFields = ["name", "command", "timeout", "template"]

    private func decodeChecks(_ node: Node, context: String) -> [PipelineSpec.Check] {
        guard let items = reader.sequence(node, of: "checks") else { return [] }
        var checks: [PipelineSpec.Check] = []
        var seen: [String: Node] = [:]
        for item in items {
            guard let fields = reader.fields(item, in: context, known: Self.checkFields) else { continue }
            let name = fields.required("name").flatMap { reader.name($0) }
            let command = fields.required("command").flatMap { reader.string($0) }
            let timeout = optional(fields, "timeout") { reader.duration($0, field: "timeout") } ?? PipelineSpec.Check.defaultTimeout
            let template = optional(fields, "template") { reader.repositoryPath($0) }
            guard let name, let command else { continue }
            if let first = seen[name], let node = fields["name"] {
                let at = reader.location(first)
                reader.error(node, "duplicate check '\(name)'", hint: "first declared at \(at.line):\(at.column); check names are unique in a Pipeline")
                continue
            }
            if let nameNode = fields["name"] { seen[name] = nameNode }
            checks.append(PipelineSpec.Check(name: name, command: command, timeout: timeout, template: template))
        }
        return checks
    }

    /// A `gs://` string is a stored template; `{check: NAME}` the output of a check; anything else a repository path.
    private func decodeTemplate(_ node: Node) -> TemplateSource? {
        if case .mapping = node {
            guard let fields = reader.fields(node, in: "\(context).template", known: ["check"]) else { return nil }
            return fields.required("check").flatMap { reader.name($0) }.map(TemplateSource.check)
        }
        if case .scalar(let scalar) = node, node.tagName == .str, scalar.string.hasPrefix("gs://") {
            return reader.storageURI(node).map(TemplateSource.storage)
        }
        return reader.repositoryPath(node).map(TemplateSource.repository)
    }

    private func decodeImage(_ node: Node, context: String) -> PipelineSpec.Image? {
        guard let fields = reader.fields(node, in: context, known: ["name", "context", "dockerfile"]) else { return nil }
        var name = fields.required("name").flatMap { reader.string($0) }
        if let text = name, let nameNode = fields["name"] {
            let lastComponent = text.split(separator: "/").last ?? ""
            if text.contains("@") || lastComponent.contains(":") {
                reader.error(nameNode, "image name '\(NodeReader.clip(text))' has a tag or digest",
                             hint: "write the repository only: Steward tags the image with the tree id of 'context'")
                name = nil
            }
        }
        let imageContext = fields.required("context").flatMap { reader.repositoryPath($0) }
        let dockerfile = optional(fields, "dockerfile") { reader.repositoryPath($0) }
        if let imageContext, let dockerfile, let node = fields["dockerfile"], !imageContext.contains(dockerfile) {
            reader.error(node, "dockerfile '\(dockerfile)' lies outside the image context '\(imageContext)'",
                         hint: "a build receives only the context; move the Dockerfile into it")
        }
        guard let name, let imageContext else { return nil }
        return PipelineSpec.Image(name: name, context: imageContext, dockerfile: dockerfile)
    }

    private func decodeModules(_ node: Node, context: String) -> PipelineSpec.Modules? {
        guard let fields = reader.fields(node, in: context, known: ["source", "destination"]) else { return nil }
        let source = fields.required("source").flatMap { reader.repositoryPath($0) }
        let destination = fields.required("destination").flatMap { reader.storageURI($0) }
        guard let source, let destination else { return nil }
        return PipelineSpec.Modules(source: source, destination: destination)
    }

    /// The modules folder is left out of the image's tree id; it belongs inside the image context.
    /// Outside it nothing breaks (runs read the modules from `${modules}`), so that is a warning;
    /// the context itself would leave an empty image, so that is an error.
    private func checkModules(_ modules: PipelineSpec.Modules, inside image: PipelineSpec.Image, at node: Node) {
        guard case .mapping(let mapping) = node, let sourceNode = mapping["source"] else { return }
        if modules.source == image.context {
            reader.error(sourceNode, "modules source '\(modules.source)' is the whole image context",
                         hint: "name a folder inside the image context, e.g. '\(image.context.appending("models"))'")
        } else if !image.context.contains(modules.source) {
            reader.warning(sourceNode, "modules source '\(modules.source)' lies outside the image context '\(image.context)'",
                           hint: "runs read the modules only from '${modules}'; move the folder into the context if the image needs it")
        }
    }

    private func decodeParameters(_ node: Node, fields: FieldSet) -> [String: ParameterValue] {
        guard case .mapping(let mapping) = node else {
            reader.error(node, "expected a mapping for \(fields.nested("parameters")), got \(reader.describe(node))")
            return [:]
        }
        var parameters: [String: ParameterValue] = [:]
        for (keyNode, value) in mapping {
            guard let key = reader.string(keyNode) else { continue }
            guard case .scalar(let scalar) = value else {
                reader.error(value, "expected a string, number or boolean for parameter '\(NodeReader.clip(key))', got \(reader.describe(value))")
                continue
            }
            switch value.tagName {
            case .str:
                guard checkPlaceholders(in: value, parameter: key, fields: fields) else { continue }
                parameters[key] = .string(scalar.string)
            case .int:
                if let i = Int.construct(from: scalar) { parameters[key] = .int(i) } else { _ = reader.int(value) }
            case .float:
                if let d = Double.construct(from: scalar) { parameters[key] = .double(d) } else { _ = reader.double(value) }
            case .bool:
                if let b = PlainScalarType.bool(scalar.string) { parameters[key] = .bool(b) } else { _ = reader.bool(value) }
            default:
                reader.error(value, "expected a string, number or boolean for parameter '\(NodeReader.clip(key))', got \(reader.describe(value))",
                             hint: "quote it to make it a string")
            }
        }
        return parameters
    }

    /// Unknown placeholders, and placeholders whose value the Pipeline cannot have.
    private func checkPlaceholders(in node: Node, parameter: String, fields: FieldSet) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        switch PlaceholderString.parse(scalar.string, known: Placeholders.pipelineParameters) {
        case .failure(let problem):
            reader.log.error(at: reader.location(node, characterOffset: problem.offset),
                             "\(problem.message) in parameter '\(NodeReader.clip(parameter))'", hint: problem.hint)
            return false
        case .success(let parsed):
            var ok = true
            var offset = 0
            for segment in parsed.segments {
                // Offsets in the written text: literal `$` was written `$$`.
                let written: Int
                switch segment {
                case .literal(let text): written = Self.writtenLength(of: text, in: scalar.string, from: offset)
                case .placeholder(let name):
                    written = name.count + 3
                    if let problem = missingValue(for: name, fields: fields) {
                        reader.log.error(at: reader.location(node, characterOffset: offset),
                                         "parameter '\(NodeReader.clip(parameter))' uses '${\(name)}', but \(problem.message)",
                                         hint: problem.hint)
                        ok = false
                    }
                }
                offset += written
            }
            return ok
        }
    }

    /// How many characters of `source`, from `start`, spell the literal `text` (`$$` spells `$`).
    private static func writtenLength(of text: String, in source: String, from start: Int) -> Int {
        let chars = Array(source)
        var i = start
        var produced = 0
        let target = text.count
        while produced < target, i < chars.count {
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "$" { i += 2 } else { i += 1 }
            produced += 1
        }
        return i - start
    }

    /// Why a placeholder has no value in this Pipeline, if it has none.
    private func missingValue(for placeholder: String, fields: FieldSet) -> (message: String, hint: String)? {
        switch placeholder {
        case "image" where fields["image"] == nil:
            return ("the Pipeline has no 'image'", "set 'image' or remove the placeholder")
        case "modules" where fields["modules"] == nil:
            return ("the Pipeline has no 'modules'", "set 'modules' or remove the placeholder")
        case "dataset.root" where fields["dataset"] == nil:
            return ("the Pipeline has no 'dataset'", "set 'dataset' to the Dataset it trains on")
        case "spans.first", "spans.last", "spans.list", "spans.glob":
            if fields["dataset"] == nil {
                return ("the Pipeline has no 'dataset'", "set 'dataset' and 'spans' to train on the newest spans")
            }
            if fields["spans"] == nil {
                return ("the Pipeline selects no spans", "set 'spans' to the number of newest spans to train on")
            }
            return nil
        default:
            return nil
        }
    }

    private func decodeOutputs(_ node: Node, context: String) -> PipelineSpec.Outputs? {
        guard let fields = reader.fields(node, in: context, known: ["model", "blessing"]) else { return nil }
        let model = fields["model"].flatMap { decodeArtifact($0, context: fields.nested("model")) }
        let blessing = fields["blessing"].flatMap { decodeArtifact($0, context: fields.nested("blessing")) }
        return PipelineSpec.Outputs(model: model, blessing: blessing)
    }

    private func decodeArtifact(_ node: Node, context: String) -> ArtifactRef? {
        guard let fields = reader.fields(node, in: context, known: ["task", "artifact"]) else { return nil }
        let task = fields.required("task").flatMap { reader.string($0) }
        let artifact = fields.required("artifact").flatMap { reader.string($0) }
        guard let task, let artifact else { return nil }
        return ArtifactRef(task: task, artifact: artifact)
    }

    // MARK: Evaluation

    static let evaluationFields = [
        "endpoint", "pipeline", "dataset", "metric", "threshold", "batchPrediction", "onFailure", "suspend", "local",
    ]
    static let batchPredictionFields = ["machineType", "startingReplicaCount", "maxReplicaCount", "instancesFormat", "outputRoot"]

    private mutating func decodeEvaluation(_ node: Node) -> EvaluationSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.evaluationFields) else { return nil }
        var target: EvaluationSpec.Target?
        switch (fields.key("endpoint"), fields.key("pipeline")) {
        case (let endpointKey?, let pipelineKey?):
            let later = reader.location(endpointKey) < reader.location(pipelineKey) ? pipelineKey : endpointKey
            reader.error(later, "set either 'endpoint' or 'pipeline' in \(context), not both")
        case (_?, nil):
            target = fields["endpoint"].flatMap { reference($0, .evaluationEndpoint) }.map(EvaluationSpec.Target.endpoint)
        case (nil, _?):
            target = fields["pipeline"].flatMap { reference($0, .evaluationPipeline) }.map(EvaluationSpec.Target.pipeline)
        case (nil, nil):
            reader.error(node, "missing 'endpoint' or 'pipeline' in \(context)", hint: "name the model to judge")
        }
        let dataset = fields.required("dataset").flatMap { reference($0, .evaluationDataset) }
        let metric = optional(fields, "metric") { reader.enumeration($0, EvaluationSpec.Metric.self, field: "metric") } ?? .accuracy
        var threshold: Double?
        if let node = fields.required("threshold"), let value = reader.double(node) {
            if (0...1).contains(value) {
                threshold = value
            } else {
                reader.error(node, "threshold '\(NodeReader.clip(node.scalar?.string ?? String(value)))' is outside [0, 1]",
                             hint: "write accuracy as a fraction, e.g. 0.8")
            }
        }
        let batch = fields["batchPrediction"].flatMap { decodeBatchPrediction($0, context: fields.nested("batchPrediction")) }
            ?? EvaluationSpec.BatchPrediction()
        var onFailure = EvaluationSpec.OnFailure()
        if let node = fields["onFailure"], let f = reader.fields(node, in: fields.nested("onFailure"), known: ["newSpan", "retrain"]) {
            onFailure.newSpan = optional(f, "newSpan") { reader.bool($0) } ?? false
            onFailure.retrain = f["retrain"].flatMap { reference($0, .retrain) }
        }
        let suspend = optional(fields, "suspend") { reader.bool($0) } ?? false
        var local: EvaluationSpec.LocalPredict?
        if let node = fields["local"], let l = reader.fields(node, in: fields.nested("local"), known: ["command"]) {
            local = l.required("command").flatMap { reader.string($0) }.map(EvaluationSpec.LocalPredict.init)
        }
        guard let target, let dataset, let threshold else { return nil }
        return EvaluationSpec(target: target, dataset: dataset, metric: metric, threshold: threshold,
                              batchPrediction: batch, onFailure: onFailure, suspend: suspend, local: local)
    }

    private func decodeBatchPrediction(_ node: Node, context: String) -> EvaluationSpec.BatchPrediction? {
        guard let fields = reader.fields(node, in: context, known: Self.batchPredictionFields) else { return nil }
        var batch = EvaluationSpec.BatchPrediction()
        batch.machineType = optional(fields, "machineType") { reader.string($0) } ?? batch.machineType
        batch.startingReplicaCount = optional(fields, "startingReplicaCount") {
            integer($0, in: 1...Int.max, field: "startingReplicaCount")
        } ?? batch.startingReplicaCount
        let maxNode = fields["maxReplicaCount"]
        batch.maxReplicaCount = maxNode.flatMap { integer($0, in: 1...Int.max, field: "maxReplicaCount") }
            ?? max(batch.maxReplicaCount, batch.startingReplicaCount)
        if let maxNode, batch.maxReplicaCount < batch.startingReplicaCount {
            reader.error(maxNode, "maxReplicaCount '\(batch.maxReplicaCount)' is below startingReplicaCount '\(batch.startingReplicaCount)'")
        }
        batch.instancesFormat = optional(fields, "instancesFormat") {
            reader.enumeration($0, EvaluationSpec.InstancesFormat.self, field: "instancesFormat")
        } ?? batch.instancesFormat
        batch.outputRoot = optional(fields, "outputRoot") { reader.storageURI($0) }
        return batch
    }

    // MARK: Endpoint

    static let endpointFields = [
        "displayName", "model", "servingImage", "machineType", "minReplicas", "maxReplicas", "rollout", "prune", "suspend",
    ]

    private mutating func decodeModelSource(_ fields: FieldSet, _ role: Reference.Role) -> ModelSource? {
        guard let node = fields.required("model"),
              let model = reader.fields(node, in: fields.nested("model"), known: ["pipeline"]),
              let pipelineNode = model.required("pipeline") else { return nil }
        return reference(pipelineNode, role).map(ModelSource.init)
    }

    private mutating func decodeEndpoint(_ node: Node) -> EndpointSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.endpointFields) else { return nil }
        let defaults = EndpointSpec(displayName: "", model: ModelSource(pipeline: ""))
        let displayName = optional(fields, "displayName") { reader.string($0) } ?? name ?? ""
        let model = decodeModelSource(fields, .endpointModel)
        let servingImage = optional(fields, "servingImage") { reader.string($0) } ?? defaults.servingImage
        let machineType = optional(fields, "machineType") { reader.string($0) } ?? defaults.machineType
        let minReplicas = optional(fields, "minReplicas") { integer($0, in: 1...Int.max, field: "minReplicas") } ?? defaults.minReplicas
        let maxNode = fields["maxReplicas"]
        let maxReplicas = maxNode.flatMap { integer($0, in: 1...Int.max, field: "maxReplicas") } ?? max(defaults.maxReplicas, minReplicas)
        if let maxNode, maxReplicas < minReplicas {
            reader.error(maxNode, "maxReplicas '\(maxReplicas)' is below minReplicas '\(minReplicas)'")
        }
        var rollout = defaults.rollout
        if let node = fields["rollout"], let r = reader.fields(node, in: fields.nested("rollout"), known: ["canaryPercent"]) {
            if let percentNode = r["canaryPercent"], let percent = reader.int(percentNode) {
                if (0...100).contains(percent) {
                    rollout.canaryPercent = percent
                } else {
                    reader.error(percentNode, "canaryPercent '\(percent)' is outside [0, 100]",
                                 hint: "give the share of traffic in percent; 100 rolls out at once")
                }
            }
        }
        let prune = optional(fields, "prune") { reader.bool($0) } ?? false
        let suspend = optional(fields, "suspend") { reader.bool($0) } ?? false
        guard let model else { return nil }
        return EndpointSpec(displayName: displayName, model: model, servingImage: servingImage, machineType: machineType,
                            minReplicas: minReplicas, maxReplicas: maxReplicas, rollout: rollout, prune: prune, suspend: suspend)
    }

    // MARK: Release

    static let releaseFields = ["repository", "model", "tag", "assets", "draft", "prerelease", "suspend"]

    private mutating func decodeRelease(_ node: Node) -> ReleaseSpec? {
        guard let fields = reader.fields(node, in: context, known: Self.releaseFields) else { return nil }
        let defaults = ReleaseSpec(model: ModelSource(pipeline: ""))
        let repository = optional(fields, "repository", repositoryName)
        let model = decodeModelSource(fields, .releaseModel)
        var tag = defaults.tag
        if let tagNode = fields["tag"], let text = reader.string(tagNode) {
            switch PlaceholderString.parse(text, known: Placeholders.releaseTag) {
            case .success: tag = text
            case .failure(let problem):
                reader.log.error(at: reader.location(tagNode, characterOffset: problem.offset),
                                 "\(problem.message) in tag", hint: problem.hint)
            }
        }
        var assets = defaults.assets
        if let node = fields["assets"], let items = reader.sequence(node, of: "assets") {
            assets = []
            var seen: [String: SourceLocation] = [:]
            for item in items {
                guard let a = reader.fields(item, in: fields.nested("assets[]"), known: ["name"]),
                      let nameNode = a.required("name"), let assetName = reader.string(nameNode) else { continue }
                if assetName.contains("/") || assetName == "." || assetName == ".." {
                    reader.error(nameNode, "invalid asset name '\(NodeReader.clip(assetName))'", hint: "a file name without '/'")
                    continue
                }
                if let first = seen[assetName] {
                    reader.error(nameNode, "duplicate asset '\(NodeReader.clip(assetName))'", hint: "first listed at \(first.line):\(first.column)")
                    continue
                }
                seen[assetName] = reader.location(nameNode)
                assets.append(ReleaseSpec.Asset(name: assetName))
            }
        }
        let draft = optional(fields, "draft") { reader.bool($0) } ?? false
        let prerelease = optional(fields, "prerelease") { reader.bool($0) } ?? false
        let suspend = optional(fields, "suspend") { reader.bool($0) } ?? false
        guard let model else { return nil }
        return ReleaseSpec(repository: repository, model: model, tag: tag, assets: assets, draft: draft,
                           prerelease: prerelease, suspend: suspend)
    }
}
