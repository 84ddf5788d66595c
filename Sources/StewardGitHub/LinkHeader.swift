/// The `Link` response header (RFC 8288) as GitHub sends it: `<url>; rel="next", <url>; rel="last"`.
struct LinkHeader: Sendable, Hashable {
    /// URL by relation (`next`, `prev`, `first`, `last`).
    let links: [String: String]

    init(_ value: String?) {
        var links: [String: String] = [:]
        var rest = Substring(value ?? "")
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let url = String(rest[rest.index(after: open)..<close])
            let afterURL = rest[rest.index(after: close)...]
            // Parameters run to the next link, which starts with '<' (URLs from GitHub carry no '<').
            let parameters = afterURL.prefix { $0 != "<" }
            for parameter in parameters.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingWhitespaceSubstring() == "rel" else { continue }
                var relations = pair[1].trimmingWhitespaceSubstring()
                relations = relations.trimmingCharacters(in: ",")
                relations = relations.trimmingCharacters(in: "\"")
                for relation in relations.split(separator: " ") where links[String(relation)] == nil {
                    links[String(relation)] = url
                }
            }
            rest = afterURL.dropFirst(parameters.count)
        }
        self.links = links
    }

    /// The next page, if any.
    var next: String? { links["next"] }
}

extension Substring {
    fileprivate func trimmingWhitespaceSubstring() -> String {
        String(self).trimmingWhitespace()
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var result = Substring(self)
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return String(result).trimmingWhitespace()
    }
}
