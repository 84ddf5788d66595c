import StewardCore
import Yams

/// One YAML document of a file, composed into nodes.
struct LoadedDocument {
    /// 0-based position of the document in its file.
    var index: Int
    var root: Node
}

/// Turns a file's bytes into YAML documents, rejecting what must not reach the composer:
/// oversized files, binary content, and alias bombs.
struct DocumentLoader {
    /// Files over this many bytes are rejected before parsing.
    var maximumFileSize: Int
    /// Documents whose nodes, with every alias counted by the size of what it stands for, exceed this are rejected.
    var maximumNodesPerDocument: Int

    /// The file's text and its documents; `nil` text when the bytes are not read at all.
    func load(_ file: ManifestFile, log: DiagnosticLog) -> (text: String, documents: [LoadedDocument])? {
        let start = SourceLocation(path: file.path, line: 1, column: 1)
        guard file.size <= maximumFileSize else {
            log.error(at: start, "file is \(file.size) bytes, over the limit of \(Self.describeSize(maximumFileSize)) for a manifest file",
                      hint: "split it into several files")
            return nil
        }
        if let nul = file.bytes.firstIndex(of: 0) {
            log.error(at: Self.location(ofByte: nul, in: file.bytes, path: file.path),
                      "file is binary: it holds a NUL byte", hint: "manifests are UTF-8 text")
            return nil
        }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            let bad = Self.firstInvalidUTF8Byte(file.bytes) ?? 0
            log.error(at: Self.location(ofByte: bad, in: file.bytes, path: file.path),
                      "file is not valid UTF-8 text", hint: "save it as UTF-8")
            return nil
        }
        if text.allSatisfy({ $0.isWhitespace }) {
            log.error(at: start, "file holds no manifest")
            return (text, [])
        }

        // Aliases share nodes when composed, but Yams hashes mapping keys, and an alias used as a
        // key is hashed at its full expanded size; so the expansion is measured on the event
        // stream before anything is composed.
        // Without a '*' there is no alias to expand: most files skip that second pass over the text.
        let budget = file.bytes.contains(UInt8(ascii: "*")) ? AliasBudget(limit: maximumNodesPerDocument).check(text) : nil
        let composeLimit = budget?.documentIndex ?? Int.max

        var documents: [LoadedDocument] = []
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            var index = 0
            while index < composeLimit, let root = try parser.nextRoot() {
                if !Self.isEmptyDocument(root) { documents.append(LoadedDocument(index: index, root: root)) }
                index += 1
            }
        } catch let error as YamlError {
            log.add(Self.diagnostic(for: error, path: file.path, text: text))
            return (text, documents)
        } catch {
            log.error(at: start, "invalid YAML: \(error)")
            return (text, documents)
        }
        if let budget {
            log.error(at: SourceLocation(path: file.path, line: budget.line, column: budget.column),
                      "document expands to more than \(maximumNodesPerDocument) nodes through aliases",
                      hint: "write the values out or use fewer aliases; the rest of the file is not read")
            return (text, documents)
        }
        if documents.isEmpty {
            log.error(at: start, "file holds no manifest")
        }
        return (text, documents)
    }

    /// A document that holds nothing, e.g. between two `---`, is skipped.
    static func isEmptyDocument(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, node.tagName == .null, scalar.style == .plain || scalar.style == .any {
            return scalar.string.isEmpty || ["~", "null", "Null", "NULL"].contains(scalar.string)
        }
        return false
    }

    // MARK: Errors from Yams

    static func diagnostic(for error: YamlError, path: String, text: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(path: path, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            return Diagnostic(.error, at: at(mark), message)
        case .reader(let problem, let offset, _, _):
            var location = SourceLocation(path: path, line: 1, column: 1)
            if let offset {
                var line = 1, column = 1
                for character in text.prefix(offset) {
                    if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
                }
                location = SourceLocation(path: path, line: line, column: column)
            }
            return Diagnostic(.error, at: location, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(.error, at: at(context.mark), "duplicate key \(keys) in a mapping", hint: "write each field once")
        default:
            return Diagnostic(.error, at: SourceLocation(path: path, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    // MARK: Byte positions

    static func describeSize(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// 1-based line and column (in characters of the valid UTF-8 before it) of a byte.
    static func location(ofByte offset: Int, in bytes: [UInt8], path: String) -> SourceLocation {
        let before = bytes[..<offset]
        let line = before.count { $0 == 0x0A } + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        // Count scalars: every byte that does not continue a UTF-8 sequence starts one.
        let column = bytes[lineStart..<offset].count { $0 & 0xC0 != 0x80 } + 1
        return SourceLocation(path: path, line: line, column: column)
    }

    static func firstInvalidUTF8Byte(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
            if let valid = String(validating: bytes[i..<(i + length)], as: UTF8.self), !valid.isEmpty {
                i += length
            } else {
                return i
            }
        }
        return nil
    }
}
