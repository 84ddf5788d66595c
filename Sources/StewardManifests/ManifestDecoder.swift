import StewardCore
import Yams

/// Decodes manifest files into the resource model, collecting every problem as a diagnostic
/// at its exact file, line and column.
///
/// Pure: no I/O, no clock. Files are read in path order, so the result does not depend on
/// the order they are passed in.
public struct ManifestDecoder: Sendable {
    /// The largest manifest file read, in bytes (1 MiB).
    public var maximumFileSize: Int
    /// The most nodes one YAML document may hold, aliases counted by what they expand to.
    public var maximumNodesPerDocument: Int

    public init(maximumFileSize: Int = 1 << 20, maximumNodesPerDocument: Int = 10_000) {
        self.maximumFileSize = maximumFileSize
        self.maximumNodesPerDocument = maximumNodesPerDocument
    }

    /// Decodes and validates `files`; files whose names do not end in `.yaml` or `.yml` are ignored.
    ///
    /// A resource with an error is left out of the result, and so is a resource that refers to
    /// one that is left out (with a warning); every other resource stays.
    public func decode(_ files: [ManifestFile]) -> DecodeResult {
        let log = DiagnosticLog()
        let loader = DocumentLoader(maximumFileSize: maximumFileSize, maximumNodesPerDocument: maximumNodesPerDocument)
        var declarations: [Declaration] = []
        for file in files.filter(\.isManifest).sorted(by: { $0.path < $1.path }) {
            guard let (text, documents) = loader.load(file, log: log) else { continue }
            let reader = NodeReader(path: file.path, text: text, log: log)
            for document in documents {
                if let declaration = ResourceDecoder(reader: reader).decode(document.root) {
                    declarations.append(declaration)
                }
            }
        }
        let resources = ManifestLinker(log: log).link(declarations)
        return DecodeResult(manifests: ManifestSet(resources), diagnostics: log.sorted)
    }

    /// Decodes one YAML text, as if it were the only file; for tests and tools.
    public func decode(path: String, text: String) -> DecodeResult {
        decode([ManifestFile(path: path, text: text)])
    }
}

/// A resource as declared in a manifest, valid or not, with what the linker needs to check it
/// against the others.
struct Declaration {
    var kind: ResourceKind
    var name: String
    /// Where `metadata.name` is written.
    var nameLocation: SourceLocation
    /// `nil` when the manifest has errors of its own.
    var resource: Resource?
    var references: [Reference]
}

/// A name one resource gives to refer to another.
struct Reference {
    /// What the reference is for; decides the kind it names and how messages read.
    enum Role {
        case pipelineDataset
        case evaluationDataset
        case evaluationEndpoint
        case evaluationPipeline
        case retrain
        case endpointModel
        case releaseModel

        var target: ResourceKind {
            switch self {
            case .pipelineDataset, .evaluationDataset: .dataset
            case .evaluationEndpoint: .endpoint
            case .evaluationPipeline, .retrain, .endpointModel, .releaseModel: .pipeline
            }
        }

        /// `Evaluation 'drift' <verb> 'cifar10-train'`.
        var verb: String {
            switch self {
            case .pipelineDataset: "trains on"
            case .evaluationDataset: "evaluates batches of"
            case .evaluationEndpoint, .evaluationPipeline: "judges the model of"
            case .retrain: "retrains"
            case .endpointModel: "serves the model of"
            case .releaseModel: "releases the model of"
            }
        }
    }

    var role: Role
    var name: String
    /// Where the name is written.
    var location: SourceLocation
}
