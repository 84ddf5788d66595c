/// True labels of collected samples: from `<label>_<n>.<ext>` file names or from a labels file.
public struct SampleLabels: Sendable, Hashable {
    /// Labels by file name as the labels file wrote it.
    public private(set) var byName: [String: String]
    /// Labels by the last path component of the name, where that is unambiguous.
    private var byBaseName: [String: String]

    /// Labels from a map of file names to labels.
    public init(byName: [String: String]) {
        self.byName = byName
        var base: [String: String?] = [:]
        for (name, label) in byName {
            let key = String(PredictionEvaluator.baseName(name))
            if let existing = base[key], existing != label { base[key] = .some(nil) } else { base[key] = label }
        }
        byBaseName = base.compactMapValues { $0 }
    }

    /// The label of a sample (a `gs://` URI, a path or a bare name): its full name first, then its file name.
    public func label(for sample: String) -> String? {
        byName[sample] ?? byBaseName[String(PredictionEvaluator.baseName(sample))]
    }

    /// The label in a `<label>_<n>.<ext>` file name: the part before the first `_`; nil without one or when empty.
    ///
    /// Paths and URIs are reduced to their last component first: `gs://b/2026-11/cat_0001.jpg` → `cat`.
    public static func label(fromFileName name: String) -> String? {
        let base = PredictionEvaluator.baseName(name)
        guard let underscore = base.utf8.firstIndex(of: UInt8(ascii: "_")), underscore > base.startIndex else { return nil }
        return String(base[..<underscore])
    }

    /// The label of `sample` under `source`: `labelsFile` holds the parsed file for `.file`.
    public static func label(for sample: String, source: LabelSource, labelsFile: SampleLabels?) -> String? {
        switch source {
        case .filenamePrefix: label(fromFileName: sample)
        case .file: labelsFile?.label(for: sample)
        }
    }

    /// Parses a labels CSV: `filename,label` lines, an optional header (`filename,label` or similar),
    /// RFC 4180 quoting (`"a,b"`, `""` for a quote), LF or CRLF line ends, blank lines skipped.
    public static func parseCSV(_ text: String) throws(DataError) -> SampleLabels {
        var labels: [String: String] = [:]
        var isFirst = true
        for (line, fields) in try CSV.rows(text) {
            defer { isFirst = false }
            if fields.count == 1 && fields[0].trimmingSpaces.isEmpty { continue }
            guard fields.count == 2 else {
                throw .badLabelsLine(line: line, reason: "\(fields.count) fields")
            }
            let name = fields[0].trimmingSpaces, label = fields[1].trimmingSpaces
            if isFirst && headerNames.contains(name.lowercased()) && headerLabels.contains(label.lowercased()) { continue }
            guard !name.isEmpty else { throw .badLabelsLine(line: line, reason: "empty file name") }
            guard !label.isEmpty else { throw .badLabelsLine(line: line, reason: "empty label for '\(name)'") }
            if let first = labels[name], first != label {
                throw .conflictingLabels(file: name, first: first, second: label, line: line)
            }
            labels[name] = label
        }
        return SampleLabels(byName: labels)
    }

    private static let headerNames: Set<String> = ["filename", "file", "file_name", "name", "path", "image", "instance", "sample"]
    private static let headerLabels: Set<String> = ["label", "class", "category"]
}

/// Just enough CSV for labels files.
private enum CSV {
    /// Rows with their 1-based starting line numbers.
    static func rows(_ text: String) throws(DataError) -> [(Int, [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var line = 1
        var rowLine = 1
        let bytes = Array(text.utf8)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") {
                guard field.allSatisfy({ $0 == 0x20 }), !wasQuoted else {
                    throw .badLabelsLine(line: line, reason: "a quote inside an unquoted field")
                }
                field.removeAll()
                quoted = true
                wasQuoted = true
            } else if c == UInt8(ascii: ",") {
                endField()
            } else if c == 0x0A || c == 0x0D {
                endField()
                rows.append((rowLine, fields))
                fields = []
                if c == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                rowLine = line
            } else {
                guard !wasQuoted || c == 0x20 else {
                    throw .badLabelsLine(line: line, reason: "text after a closing quote")
                }
                if !wasQuoted { field.append(c) }
            }
            i += 1
        }
        guard !quoted else { throw .badLabelsLine(line: rowLine, reason: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            rows.append((rowLine, fields))
        }
        return rows
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return String(self[first...last])
    }
}
