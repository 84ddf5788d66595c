import StewardCore

/// One file of the manifests folder, as read from the repository at a commit.
public struct ManifestFile: Sendable, Hashable {
    /// Repository-relative path, e.g. `manifests/pipelines.yaml`.
    public var path: String
    /// The file's content, unchanged; empty for a file too large to have been read.
    public var bytes: [UInt8]
    /// The file's size in bytes.
    public var size: Int

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        self.size = bytes.count
    }

    /// A file known by its size only: it was over the limit, so it was not read.
    public init(path: String, unreadSize size: Int) {
        self.path = path
        self.bytes = []
        self.size = size
    }

    /// A file whose content is `text` in UTF-8.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Whether the file is read as manifests: its name ends in `.yaml` or `.yml`.
    public var isManifest: Bool {
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }
}

/// What decoding a set of manifest files gives.
public struct DecodeResult: Sendable, Hashable {
    /// The resources that decoded and validated, closed under references: every `dataset`,
    /// `pipeline`, `endpoint` and `retrain` a resource here names is also here.
    public var manifests: ManifestSet
    /// Every problem found, errors and warnings, sorted by path, line and column.
    public var diagnostics: [Diagnostic]

    public init(manifests: ManifestSet, diagnostics: [Diagnostic]) {
        self.manifests = manifests
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error; the plan then makes no deletions.
    public var hasErrors: Bool { diagnostics.hasErrors }
}
