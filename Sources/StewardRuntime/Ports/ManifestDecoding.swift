import StewardCore

/// Turns the manifest files of a commit into resources and diagnostics (YAML through `StewardManifests`,
/// wired in the composition root). Pure: the same files give the same result.
public protocol ManifestDecoding: Sendable {
    /// Decodes and validates every file (paths repository-relative); a resource with an error is left out and
    /// its problems are diagnostics with their file, line and column.
    func decode(_ files: [SourceFile]) -> DecodedManifests
    /// Files over this many bytes are rejected without being read.
    var maximumFileSize: Int { get }
}

/// What decoding a commit's manifest files gives.
public struct DecodedManifests: Sendable {
    public var manifests: ManifestSet
    /// Every problem found, errors and warnings.
    public var diagnostics: [Diagnostic]

    public init(manifests: ManifestSet, diagnostics: [Diagnostic]) {
        self.manifests = manifests
        self.diagnostics = diagnostics
    }
}
