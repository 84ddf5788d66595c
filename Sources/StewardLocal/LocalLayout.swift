import Foundation
import StewardCore

/// The folders under a local root, as `docs/local-provider.md` lays them out.
///
/// The root is absolute: callers resolve a relative `local.root` against the current directory
/// (`resolving(_:against:)`) before making a layout; `init(root:)` does so itself as a fallback.
public struct LocalLayout: Sendable, Hashable {
    /// The absolute local root, without a trailing slash.
    public var root: String

    /// A layout under a root; trailing slashes are dropped, and a relative root is resolved
    /// against the process's current directory.
    public init(root: String) {
        if !root.hasPrefix("/") {
            self = Self.resolving(root, against: FileManager.default.currentDirectoryPath)
            return
        }
        var trimmed = Substring(root)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.root = String(trimmed)
    }

    /// A layout under `root`, resolved against `currentDirectory` when it is relative.
    public static func resolving(_ root: String, against currentDirectory: String) -> LocalLayout {
        if root.hasPrefix("/") { return LocalLayout(root: root) }
        let base = currentDirectory.hasSuffix("/") ? String(currentDirectory.dropLast()) : currentDirectory
        var parts: [Substring] = base.split(separator: "/")
        for segment in root.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(segment)
            }
        }
        return LocalLayout(root: "/" + parts.joined(separator: "/"))
    }

    /// `<root>/storage`: objects, one file each.
    public var storage: String { join(root, "storage") }
    /// `<root>/images`: one folder per image context tree.
    public var images: String { join(root, "images") }
    /// `<root>/runs`: one folder per pipeline run.
    public var runs: String { join(root, "runs") }
    /// `<root>/batch`: one folder per batch prediction job.
    public var batch: String { join(root, "batch") }
    /// `<root>/checks`: one folder per check of a Pipeline, its scratch copy of the image under `work/`.
    public var checks: String { join(root, "checks") }
    /// `<root>/models`: one folder per uploaded model.
    public var models: String { join(root, "models") }
    /// `<root>/endpoints`: one record per endpoint.
    public var endpoints: String { join(root, "endpoints") }
    /// `<root>/releases`: one folder per repository and tag.
    public var releases: String { join(root, "releases") }

    /// `<root>/images/<tree>`: the image built from that image context tree.
    public func image(tree: String) -> String { join(images, tree) }
    /// `<root>/runs/<run id>`: a pipeline run's files.
    public func run(id: String) -> String { join(runs, id) }
    /// `<root>/models/<model id>`: an uploaded model (`model.json` and `files/`).
    public func model(id: String) -> String { join(models, id) }
    /// `<root>/endpoints/<resource>.json`: an endpoint's record.
    public func endpoint(resource: String) -> String { join(endpoints, resource + ".json") }
    /// `<root>/batch/<job id>`: a batch prediction job's files.
    public func batchJob(id: String) -> String { join(batch, id) }
    /// `<root>/checks/<check id>`: a check's record, log and scratch folder.
    public func check(id: String) -> String { join(checks, id) }
    /// `<root>/releases/<owner>/<name>`: the releases of a repository `owner/name`.
    public func releases(repository: String) -> String { join(releases, repository) }

    /// The file or folder of a storage location: `gs://B/O` is `<root>/storage/B/O`.
    public func path(for uri: StorageURI) -> String {
        uri.path.isEmpty ? join(storage, uri.bucket) : join(join(storage, uri.bucket), uri.path)
    }

    /// The storage location of a path under `storage/`, or nil for a path outside it
    /// (or one that is no valid `gs://` URI).
    public func uri(forPath path: String) -> StorageURI? {
        let prefix = storage + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        guard !rest.isEmpty, case .success(let uri) = StorageURI.parse("gs://" + rest) else { return nil }
        return uri
    }

    private func join(_ a: String, _ b: String) -> String { a == "/" ? "/" + b : a + "/" + b }
}
