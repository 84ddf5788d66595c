import Dispatch
import Foundation
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
        let manifests = files.filter(\.isManifest).sorted(by: { $0.path < $1.path })
        // Files decode independently: chunks of them on every core, each with its own log, merged in path order.
        let chunks = Self.chunks(of: manifests.count)
        let results = ChunkResults(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let log = DiagnosticLog()
            var declarations: [Declaration] = []
            for file in manifests[chunks[index]] {
                declarations += decodeFile(file, log: log)
            }
            results.store(index, (declarations, log.diagnostics))
        }
        let log = DiagnosticLog()
        var declarations: [Declaration] = []
        for (chunkDeclarations, diagnostics) in results.all {
            declarations += chunkDeclarations
            diagnostics.forEach(log.add)
        }
        let linked = ManifestLinker(log: log).link(declarations)
        return DecodeResult(manifests: ManifestSet(linked.resources, held: linked.held), diagnostics: log.sorted)
    }

    private func decodeFile(_ file: ManifestFile, log: DiagnosticLog) -> [Declaration] {
        let loader = DocumentLoader(maximumFileSize: maximumFileSize, maximumNodesPerDocument: maximumNodesPerDocument)
        guard let (text, documents) = loader.load(file, log: log) else { return [] }
        let reader = NodeReader(path: file.path, text: text, log: log)
        return documents.compactMap { ResourceDecoder(reader: reader).decode($0.root) }
    }

    /// Contiguous ranges covering `count` files, a few per core so that uneven files balance out.
    static func chunks(of count: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let pieces = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
        return (0..<pieces).map { i in (count * i / pieces)..<(count * (i + 1) / pieces) }
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

/// Per-chunk results written from concurrent workers, each slot by exactly one of them.
private final class ChunkResults: @unchecked Sendable {
    private var slots: [([Declaration], [Diagnostic])]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: ([], []), count: count) }

    func store(_ index: Int, _ value: ([Declaration], [Diagnostic])) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var all: [([Declaration], [Diagnostic])] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
