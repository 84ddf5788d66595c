/// A string with `${name}` placeholders, parsed once and expanded by the planner.
///
/// `$$` is a literal `$`. A `$` not followed by `{` or `$` stays as it is, so shell-like text
/// passes through unchanged.
public struct PlaceholderString: Sendable, Hashable {
    /// One piece of the string.
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    public var segments: [Segment]

    /// A placeholder problem, with its character offset in the string.
    public struct ParseError: Error, Sendable, Hashable {
        public var offset: Int
        public var message: String
        public var hint: String?
    }

    /// Parses `text`, accepting only the placeholder names in `known`.
    public static func parse(_ text: String, known: Set<String>) -> Result<PlaceholderString, ParseError> {
        var segments: [Segment] = []
        var literal = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "$", i + 1 < chars.count, chars[i + 1] == "$" {
                literal.append("$")
                i += 2
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    return .failure(ParseError(offset: i, message: "unterminated placeholder", hint: "close it with '}'"))
                }
                let name = String(chars[(i + 2)..<close])
                guard known.contains(name) else {
                    let suggestion = Spelling.suggestion(for: name, among: known)
                    let hint = suggestion.map { "did you mean '${\($0)}'?" }
                        ?? "known placeholders: \(known.sorted().map { "${\($0)}" }.joined(separator: ", "))"
                    return .failure(ParseError(offset: i, message: "unknown placeholder '${\(name)}'", hint: hint))
                }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                segments.append(.placeholder(name))
                i = close + 1
                continue
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return .success(PlaceholderString(segments: segments))
    }

    /// The placeholder names used, in order.
    public var placeholders: [String] {
        segments.compactMap { if case .placeholder(let n) = $0 { n } else { nil } }
    }

    /// Expands with `values`; a name without a value is returned as the failure.
    public func expand(_ values: [String: String]) -> Result<String, MissingValue> {
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let s): out += s
            case .placeholder(let name):
                guard let value = values[name] else { return .failure(MissingValue(name: name)) }
                out += value
            }
        }
        return .success(out)
    }

    /// A placeholder that has no value in this expansion.
    public struct MissingValue: Error, Sendable, Hashable {
        public var name: String
    }
}

/// The placeholder vocabularies.
public enum Placeholders {
    /// Allowed in a Pipeline's `parameters`.
    public static let pipelineParameters: Set<String> = [
        PlaceholderName.image, PlaceholderName.modules, PlaceholderName.spansFirst, PlaceholderName.spansLast,
        PlaceholderName.spansList, PlaceholderName.spansGlob, PlaceholderName.datasetRoot, PlaceholderName.pipelineRoot,
    ]
    /// Allowed in a Release's `tag`.
    public static let releaseTag: Set<String> = [
        PlaceholderName.pipeline, PlaceholderName.runID, PlaceholderName.runKey, PlaceholderName.runCommit,
    ]
}

/// Did-you-mean suggestions by edit distance.
public enum Spelling {
    /// The closest candidate within a small edit distance, if any.
    public static func suggestion<S: Sequence>(for word: String, among candidates: S) -> String? where S.Element == String {
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Damerau–Levenshtein (optimal string alignment) distance.
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a), t = Array(b)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = Array(repeating: Array(repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }
}
