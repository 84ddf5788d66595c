import StewardCore
import Yams

/// Collects diagnostics while a set of files is decoded; never stops at the first.
final class DiagnosticLog {
    private(set) var diagnostics: [Diagnostic] = []

    var errorCount: Int { diagnostics.count { $0.severity == .error } }

    func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func error(at location: SourceLocation, _ message: String, hint: String? = nil) {
        add(Diagnostic(.error, at: location, message, hint: hint))
    }

    func warning(at location: SourceLocation, _ message: String, hint: String? = nil) {
        add(Diagnostic(.warning, at: location, message, hint: hint))
    }

    /// Sorted by path, line and column; ties keep the order they were found in.
    var sorted: [Diagnostic] {
        diagnostics.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }
}

/// Reads typed values out of the YAML nodes of one file, reporting every problem at the
/// exact position of the offending key or value.
final class NodeReader {
    let path: String
    let log: DiagnosticLog
    private let text: String
    private lazy var lines: [[Unicode.Scalar]] = text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { Array($0.unicodeScalars) }

    init(path: String, text: String, log: DiagnosticLog) {
        self.path = path
        self.text = text
        self.log = log
    }

    // MARK: Positions

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func error(_ node: Node, _ message: String, hint: String? = nil) {
        log.error(at: location(node), message, hint: hint)
    }

    func warning(_ node: Node, _ message: String, hint: String? = nil) {
        log.warning(at: location(node), message, hint: hint)
    }

    /// The position of the character at `offset` (in characters) of a scalar's value, when the
    /// scalar is written on one line so that the value's characters appear as they are in the
    /// source (plain, or quoted without escapes before the offset); otherwise the scalar's start.
    func location(_ node: Node, characterOffset offset: Int) -> SourceLocation {
        let start = location(node)
        guard case .scalar(let scalar) = node, offset > 0 else { return start }
        let opening: Int
        switch scalar.style {
        case .plain, .any: opening = 0
        case .singleQuoted, .doubleQuoted: opening = 1
        case .literal, .folded: return start
        }
        let prefix = scalar.string.prefix(offset)
        guard !prefix.contains("\n") else { return start }
        let column = start.column + opening + prefix.unicodeScalars.count
        // Only trust the computed column when the source really holds the value's text up to
        // and including that point: escapes (`''`, `\"`) shift the source against the value.
        let lineIndex = start.line - 1
        guard lineIndex >= 0, lineIndex < lines.count else { return start }
        let line = lines[lineIndex]
        let from = start.column - 1 + opening
        let expected = Array(scalar.string.unicodeScalars.prefix(prefix.unicodeScalars.count + 1))
        guard from >= 0, from + expected.count <= line.count,
              Array(line[from..<(from + expected.count)]) == expected else { return start }
        return SourceLocation(path: path, line: start.line, column: column)
    }

    // MARK: Describing values

    /// How a value reads in a message: `'abc'`, `null`, `an empty value`, `a mapping`, `a sequence`.
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.string.isEmpty, scalar.style == .plain || scalar.style == .any { return "an empty value" }
            if node.tagName == .null { return "null" }
            return "'\(Self.clip(scalar.string))'"
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .alias: return "an alias"
        }
    }

    /// User input quoted in a message is kept short and on one line.
    static func clip(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "\\n")
        return oneLine.count > 60 ? String(oneLine.prefix(57)) + "..." : oneLine
    }

    // MARK: Scalars

    /// A string: a scalar that YAML reads as a string (quote numbers, booleans and dates).
    func string(_ node: Node, allowEmpty: Bool = false) -> String? {
        guard case .scalar(let scalar) = node, node.tagName == .str else {
            let hint: String? = if case .scalar = node, node.tagName != .null { "quote it to make it a string" } else { nil }
            error(node, "expected a string, got \(describe(node))", hint: hint)
            return nil
        }
        if !allowEmpty, scalar.string.isEmpty {
            error(node, "expected a non-empty string, got an empty string")
            return nil
        }
        return scalar.string
    }

    func int(_ node: Node) -> Int? {
        guard case .scalar(let scalar) = node, node.tagName == .int, let value = Int.construct(from: scalar) else {
            error(node, "expected an integer, got \(describe(node))")
            return nil
        }
        return value
    }

    /// A number: an integer or a decimal.
    func double(_ node: Node) -> Double? {
        if case .scalar(let scalar) = node {
            if node.tagName == .int, let value = Int.construct(from: scalar) { return Double(value) }
            if node.tagName == .float, let value = Double.construct(from: scalar) { return value }
        }
        error(node, "expected a number, got \(describe(node))")
        return nil
    }

    func bool(_ node: Node) -> Bool? {
        guard case .scalar(let scalar) = node, node.tagName == .bool, let value = PlainScalarType.bool(scalar.string) else {
            error(node, "expected a boolean, got \(describe(node))", hint: "write true or false")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, with a did-you-mean hint.
    func enumeration<E: RawRepresentable & CaseIterable>(_ node: Node, _ type: E.Type, field: String) -> E?
    where E.RawValue == String {
        guard let text = string(node) else { return nil }
        if let value = E(rawValue: text) { return value }
        let allowed = E.allCases.map(\.rawValue)
        let hint = Spelling.suggestion(for: text, among: allowed).map { "did you mean '\($0)'?" }
            ?? "expected one of \(allowed.map { "'\($0)'" }.joined(separator: ", "))"
        error(node, "invalid \(field) '\(Self.clip(text))'", hint: hint)
        return nil
    }

    /// A duration such as `90s`, `10m`, `1h` or `1h30m` (`parseDuration`), in seconds; more than zero.
    func duration(_ node: Node, field: String) -> Double? {
        guard let text = string(node) else { return nil }
        guard let seconds = parseDuration(text), seconds > 0 else {
            error(node, "invalid \(field) '\(Self.clip(text))'", hint: "write a duration such as '90s', '10m' or '1h30m'")
            return nil
        }
        return seconds
    }

    /// A resource name or a reference to one: a DNS-1123 label.
    func name(_ node: Node) -> String? {
        guard let text = string(node, allowEmpty: true) else { return nil }
        guard ObjectMeta.isValidName(text) else {
            error(node, "invalid name '\(Self.clip(text))'",
                  hint: "a name is a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
            return nil
        }
        return text
    }

    /// A `gs://BUCKET/PATH` URI; with `bucketOnly`, `gs://BUCKET`.
    func storageURI(_ node: Node, bucketOnly: Bool = false) -> StorageURI? {
        guard let text = string(node, allowEmpty: true) else { return nil }
        switch StorageURI.parse(text) {
        case .success(let uri):
            if bucketOnly, !uri.path.isEmpty {
                error(node, "expected a bucket 'gs://NAME' without a path, got '\(Self.clip(text))'",
                      hint: "write 'gs://\(uri.bucket)'")
                return nil
            }
            return uri
        case .failure(.notGS):
            error(node, "expected a Cloud Storage URI 'gs://BUCKET/PATH', got '\(Self.clip(text))'")
            return nil
        case .failure(let problem):
            error(node, "invalid Cloud Storage URI '\(Self.clip(text))': \(problem)")
            return nil
        }
    }

    /// A path relative to the repository root that stays inside it.
    func repositoryPath(_ node: Node) -> RepositoryPath? {
        guard let text = string(node, allowEmpty: true) else { return nil }
        switch RepositoryPath.parse(text) {
        case .success(let path): return path
        case .failure(.empty):
            error(node, "expected a repository path, got an empty string")
        case .failure(.absolute):
            error(node, "absolute path '\(Self.clip(text))'", hint: "write paths relative to the repository root")
        case .failure(.leavesRepository):
            error(node, "path '\(Self.clip(text))' leaves the repository",
                  hint: "write paths relative to the repository root, without climbing above it")
        case .failure(.invalidCharacter):
            error(node, "path '\(Self.clip(text))' contains a control character or backslash",
                  hint: "separate folders with '/'")
        }
        return nil
    }

    // MARK: Collections

    /// A mapping's fields, checked against the fields the context knows.
    func fields(_ node: Node, in context: String, known: [String]) -> FieldSet? {
        guard case .mapping(let mapping) = node else {
            error(node, "expected a mapping for \(context), got \(describe(node))")
            return nil
        }
        var entries: [FieldSet.Entry] = []
        var seen: Set<String> = []
        // Explicit keys win over merged ones (`<<: *defaults`), as YAML's merge key says.
        func collect(_ mapping: Node.Mapping, merged: Bool) {
            var merges: [Node] = []
            for (key, value) in mapping {
                if key.tagName == .merge {
                    merges.append(value)
                    continue
                }
                guard case .scalar(let scalar) = key, key.tagName == .str else {
                    error(key, "expected a field name in \(context), got \(describe(key))")
                    continue
                }
                guard seen.insert(scalar.string).inserted else { continue }
                entries.append(FieldSet.Entry(name: scalar.string, key: key, value: value))
            }
            for merge in merges {
                let sources: [Node] = if case .sequence(let sequence) = merge { Array(sequence) } else { [merge] }
                for source in sources {
                    guard case .mapping(let inner) = source else {
                        error(source, "expected a mapping to merge into \(context), got \(describe(source))")
                        continue
                    }
                    collect(inner, merged: true)
                }
            }
        }
        collect(mapping, merged: false)
        let set = FieldSet(reader: self, node: node, context: context, entries: entries)
        for entry in entries where !known.contains(entry.name) {
            let hint = Spelling.suggestion(for: entry.name, among: known).map { "did you mean '\($0)'?" }
                ?? (known.isEmpty ? nil : "known fields: \(known.joined(separator: ", "))")
            error(entry.key, "unknown field '\(Self.clip(entry.name))' in \(context)", hint: hint)
        }
        return set
    }

    /// A sequence's items.
    func sequence(_ node: Node, of what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(node, "expected a sequence of \(what), got \(describe(node))")
            return nil
        }
        return Array(sequence)
    }

    /// A mapping of strings to strings, such as labels.
    func stringMap(_ node: Node, in context: String) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            error(node, "expected a mapping for \(context), got \(describe(node))")
            return nil
        }
        var result: [String: String] = [:]
        var ok = true
        for (key, value) in mapping {
            guard let k = string(key), let v = string(value, allowEmpty: true) else { ok = false; continue }
            result[k] = v
        }
        return ok ? result : nil
    }
}

/// The fields of one YAML mapping, in source order, with their key and value nodes.
struct FieldSet {
    struct Entry {
        var name: String
        var key: Node
        var value: Node
    }

    let reader: NodeReader
    /// The mapping itself: missing fields are reported here.
    let node: Node
    /// How messages name this mapping: `Pipeline spec`, `Pipeline spec.image`.
    let context: String
    let entries: [Entry]

    /// The field's value, when present.
    subscript(_ name: String) -> Node? { entries.first { $0.name == name }?.value }

    /// The field's key node, when present.
    func key(_ name: String) -> Node? { entries.first { $0.name == name }?.key }

    /// The field's value, or a diagnostic at the mapping that lacks it.
    func required(_ name: String) -> Node? {
        if let value = self[name] { return value }
        reader.error(node, "missing required field '\(name)' in \(context)")
        return nil
    }

    /// The context of a nested mapping: `Pipeline spec` + `image` → `Pipeline spec.image`.
    func nested(_ name: String) -> String { "\(context).\(name)" }
}

extension Node {
    /// The node's resolved tag: `tag:yaml.org,2002:str`, `…:int`, ….
    ///
    /// Documents are parsed with Yams's basic resolver, so a plain scalar comes out as a string; its type is
    /// decided here by `PlainScalarType`, which follows Yams's default rules without a regular expression
    /// per scalar (those dominated decoding time).
    var tagName: Tag.Name {
        let resolved = Tag.Name(rawValue: tag.rawValue)
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any, resolved == .str else {
            return resolved
        }
        return PlainScalarType.resolve(scalar.string)
    }
}
