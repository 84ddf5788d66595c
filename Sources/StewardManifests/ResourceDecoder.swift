import StewardCore
import Yams

/// Decodes one YAML document into a declared resource: envelope, metadata and spec.
struct ResourceDecoder {
    let reader: NodeReader

    static let envelopeFields = ["apiVersion", "kind", "metadata", "spec"]
    static let metadataFields = ["name", "labels", "annotations"]

    /// The declaration, or `nil` when the document does not even name a resource of a known kind.
    func decode(_ root: Node) -> Declaration? {
        guard case .mapping = root else {
            reader.error(root, "expected a manifest mapping with apiVersion, kind, metadata and spec, got \(reader.describe(root))")
            return nil
        }
        let errorsBefore = reader.log.errorCount
        // The kind names the context of every later message, so it is read first.
        let kind = peekKind(root)
        let context = kind.map { "\($0.rawValue) manifest" } ?? "manifest"
        guard let envelope = reader.fields(root, in: context, known: Self.envelopeFields) else { return nil }

        if let node = envelope.required("apiVersion"), let version = reader.string(node, allowEmpty: true),
           version != Resource.apiVersion {
            reader.error(node, "unknown apiVersion '\(NodeReader.clip(version))'", hint: "use '\(Resource.apiVersion)'")
        }
        if let node = envelope.required("kind"), kind == nil, let text = reader.string(node, allowEmpty: true) {
            let known = ResourceKind.allCases.map(\.rawValue)
            let hint = Spelling.suggestion(for: text, among: known).map { "did you mean '\($0)'?" }
                ?? "known kinds: \(known.joined(separator: ", "))"
            reader.error(node, "unknown kind '\(NodeReader.clip(text))'", hint: hint)
        }
        let metadata = envelope.required("metadata").flatMap(decodeMetadata)
        let specNode = envelope.required("spec")
        guard let kind else { return nil }

        var specs = SpecDecoder(reader: reader, kind: kind, name: metadata?.meta.name)
        let spec = specNode.flatMap { specs.decode($0) }
        guard let metadata else { return nil }
        var resource: Resource?
        if let spec, reader.log.errorCount == errorsBefore {
            resource = Resource(metadata: metadata.meta, spec: spec, source: metadata.nameLocation)
        }
        return Declaration(kind: kind, name: metadata.meta.name, nameLocation: metadata.nameLocation,
                           resource: resource, references: specs.references)
    }

    /// The document's kind, when it is written as a known kind.
    private func peekKind(_ root: Node) -> ResourceKind? {
        guard case .mapping(let mapping) = root, let node = mapping["kind"],
              case .scalar(let scalar) = node, node.tagName == .str else { return nil }
        return ResourceKind(rawValue: scalar.string)
    }

    /// Metadata with the location of its name; `nil` when there is no valid name. Labels and
    /// annotations with errors are reported and make the resource invalid through the error count.
    private func decodeMetadata(_ node: Node) -> (meta: ObjectMeta, nameLocation: SourceLocation)? {
        guard let fields = reader.fields(node, in: "metadata", known: Self.metadataFields) else { return nil }
        let labels = fields["labels"].flatMap { reader.stringMap($0, in: "metadata.labels") } ?? [:]
        let annotations = fields["annotations"].flatMap { reader.stringMap($0, in: "metadata.annotations") } ?? [:]
        guard let nameNode = fields.required("name"), let name = reader.name(nameNode) else { return nil }
        return (ObjectMeta(name: name, labels: labels, annotations: annotations), reader.location(nameNode))
    }
}
