import StewardArchive
import StewardCore

/// Packs a model folder in storage into a release asset (`saved_model.tar.gz`).
struct ModelPacker: Sendable {
    var objects: any ObjectStore

    func pack(_ modelURI: String, as name: String) async throws -> [UInt8] {
        guard case .success(let folder) = StorageURI.parse(modelURI) else {
            throw RuntimeError(code: "invalid", message: "model location '\(modelURI)' is not a gs:// URI", disposition: .stalled)
        }
        let listing = try await objects.list(folder, delimiter: nil)
        guard !listing.objects.isEmpty else { throw RuntimeError.notFound("model folder '\(modelURI)'") }
        // The archive holds the model folder under its own name, as the seed's saved_model.tar.gz did.
        let top = name.hasSuffix(".tar.gz") ? String(name.dropLast(7)) : "model"
        var files: [(path: String, bytes: [UInt8], executable: Bool)] = []
        for object in listing.objects.sorted(by: { $0.uri.path < $1.uri.path }) {
            let relative = String(object.uri.path.dropFirst(folder.prefix.count))
            files.append((path: "\(top)/\(relative)", bytes: try await objects.read(object.uri), executable: false))
        }
        return try TarGzip.pack(files: files)
    }

    static func contentType(_ name: String) -> String {
        name.hasSuffix(".gz") || name.hasSuffix(".tgz") ? "application/gzip" : "application/octet-stream"
    }
}
