import Foundation
import StewardCore

/// Copies a modules folder at a commit to `<destination>/<tree>/`, the marker last.
struct ModuleCopier: Sendable {
    var objects: any ObjectStore
    var source: any Source

    /// Returns false when a complete copy was already there.
    func copy(_ request: CopyModules) async throws -> Bool {
        let target = request.target
        let marker = target.appending(RecordName.moduleCopyMarker)
        if try await objects.exists(marker) { return false }
        let files = try await source.files(under: request.source, excluding: nil, at: request.commit)
        for file in files {
            // Content is addressed by the tree id: an object that exists already holds these bytes.
            try await objects.create(target.appending(file.path), bytes: file.bytes, contentType: nil)
        }
        let record: [String: Any] = ["source": request.source.value, "tree": request.tree, "commit": request.commit,
                                     "files": files.map(\.path).sorted()]
        let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        try await objects.create(marker, bytes: Array(data), contentType: "application/json")
        return true
    }
}
