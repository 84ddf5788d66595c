/// Normalises a repository-relative path given by a caller.
enum RepositoryPath {
    /// The path's components joined by `/`: `""` for the root; `./a//b/` becomes `a/b`.
    ///
    /// Absolute paths and `..` are refused: every path Steward reads names something inside
    /// the committed tree.
    static func normalize(_ path: String) throws -> String {
        if path.hasPrefix("/") { throw GitError.invalidPath(path) }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." || part.utf8.contains(0) { throw GitError.invalidPath(path) }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// `prefix/name`, or `name` at the root.
    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "/" + name
    }
}
