#if canImport(CYaml)
import CYaml
#endif

/// Measures how large each document of a YAML stream becomes once every alias is expanded,
/// from libyaml's event stream, without composing anything.
///
/// A document of ten nested aliases ten wide ("billion laughs") is a few lines of text but a
/// billion nodes; such a document is refused before Yams composes it.
struct AliasBudget {
    /// The most nodes one document may expand to.
    var limit: Int

    /// Where the first document over the limit crossed it.
    struct Overrun: Equatable {
        var documentIndex: Int
        var line: Int
        var column: Int
    }

    /// The first document over the limit, or `nil` when all are within it. A syntax error ends
    /// the measurement quietly: Yams reports it when composing.
    func check(_ text: String) -> Overrun? {
        #if canImport(CYaml)
        return checkEvents(text)
        #else
        return checkText(text)
        #endif
    }

    #if canImport(CYaml)
    private func checkEvents(_ text: String) -> Overrun? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer -> Overrun? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            // Expanded sizes of anchored nodes; like Yams, anchors stay visible in later documents.
            var sizes: [String: Int] = [:]
            // Open collections: their anchor and expanded size so far.
            var open: [(anchor: String?, size: Int)] = []
            var documentIndex = -1
            var expanded = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                func add(_ n: Int) -> Overrun? {
                    // Saturate: sizes never grow past the limit, so nothing overflows.
                    if open.isEmpty == false { open[open.count - 1].size = min(limit + 1, open[open.count - 1].size + n) }
                    expanded = min(limit + 1, expanded + n)
                    guard expanded > limit else { return nil }
                    return Overrun(documentIndex: documentIndex, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_DOCUMENT_START_EVENT:
                    documentIndex += 1
                    expanded = 0
                    open = []
                case YAML_SCALAR_EVENT:
                    if let anchor = Self.string(event.data.scalar.anchor) { sizes[anchor] = 1 }
                    if let overrun = add(1) { return overrun }
                case YAML_ALIAS_EVENT:
                    let size = Self.string(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                    if let overrun = add(size) { return overrun }
                case YAML_SEQUENCE_START_EVENT:
                    if let overrun = add(1) { return overrun }
                    open.append((Self.string(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    if let overrun = add(1) { return overrun }
                    open.append((Self.string(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { break }
                    if let anchor = closed.anchor { sizes[anchor] = closed.size }
                    // The collection's own size was counted as it was read; only the parent's
                    // record of it needs the total.
                    if !open.isEmpty { open[open.count - 1].size = min(limit + 1, open[open.count - 1].size + closed.size - 1) }
                default:
                    break
                }
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
    #else
    /// Without libyaml's events: a document with more alias-looking tokens than a manifest
    /// ever needs is refused, which bounds the expansion (k aliases expand to at most 3^(k/3)).
    private func checkText(_ text: String) -> Overrun? {
        var count = 0
        var previous: Character = "\n"
        var line = 1, column = 0
        for character in text {
            column += 1
            if character == "\n" { line += 1; column = 0 }
            if character == "*", previous == " " || previous == "\n" || previous == "[" || previous == "{" || previous == "," {
                count += 1
                if count > 24 { return Overrun(documentIndex: 0, line: line, column: column) }
            }
            previous = character
        }
        return nil
    }
    #endif
}
