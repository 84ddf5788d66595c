import StewardCore
import StewardRuntime

/// The YAML decoder as the runtime's decoding port.
extension ManifestDecoder: ManifestDecoding {
    public func decode(_ files: [SourceFile]) -> DecodedManifests {
        let result = decode(files.map { $0.isUnread ? ManifestFile(path: $0.path, unreadSize: $0.size) : ManifestFile(path: $0.path, bytes: $0.bytes) })
        return DecodedManifests(manifests: result.manifests, diagnostics: result.diagnostics)
    }
}
