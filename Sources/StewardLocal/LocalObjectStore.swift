import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Object storage as files: `gs://BUCKET/OBJECT` is `<root>/storage/BUCKET/OBJECT`.
///
/// Objects appear under their final name only complete: writes go to a temporary file in the
/// same folder, flushed, then renamed (`write`) or hard-linked (`create`, which never replaces).
/// Folders are not objects; an empty folder lists as nothing. An object cannot share its name
/// with a folder of other objects here (Cloud Storage allows `a` and `a/b`); that is `invalid`.
public final class LocalObjectStore: ObjectStore {
    public let layout: LocalLayout
    private let logger: Logger

    public init(layout: LocalLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    public func list(_ location: StorageURI, delimiter: String?) async throws -> ObjectListing {
        guard delimiter == nil || delimiter == "/" else {
            throw RuntimeError(code: "invalid", message: "the local object store lists with delimiter '/' or none, not '\(delimiter!)'",
                               disposition: .stalled)
        }
        let folder = layout.path(for: location)
        let listing = try await Blocking.run { [self] in
            delimiter == nil ? try listRecursively(location, folder: folder) : try listDirectly(location, folder: folder)
        }
        logger.debug("listed objects", metadata: ["storage.location": "\(location)", "storage.objects": "\(listing.objects.count)"])
        return listing
    }

    public func read(_ uri: StorageURI) async throws -> [UInt8] {
        let path = try objectPath(uri)
        do {
            return try await Blocking.run { try LocalFiles.read(path) }
        } catch let error as RuntimeError where error.isNotFound {
            throw RuntimeError.notFound("object '\(uri)'")
        }
    }

    @discardableResult
    public func create(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws -> Bool {
        let path = try objectPath(uri)
        let created = try await Blocking.run {
            try LocalFiles.makeDirectories(LocalFiles.parent(of: path))
            let created = try LocalFiles.createExclusively(bytes, at: path)
            if !created && LocalFiles.isDirectory(path) { throw Self.folderConflict(uri) }
            return created
        }
        logger.debug("created object", metadata: ["storage.object": "\(uri)", "storage.created": "\(created)"])
        return created
    }

    public func write(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws {
        let path = try objectPath(uri)
        try await Blocking.run {
            try LocalFiles.makeDirectories(LocalFiles.parent(of: path))
            if LocalFiles.isDirectory(path) { throw Self.folderConflict(uri) }
            try LocalFiles.writeAtomically(bytes, to: path)
        }
        logger.debug("wrote object", metadata: ["storage.object": "\(uri)"])
    }

    public func delete(_ uri: StorageURI) async throws {
        let path = try objectPath(uri)
        try await Blocking.run {
            if unlink(path) != 0 {
                let err = errno
                // Absent (or a folder, which is no object): nothing to delete.
                guard err == ENOENT || err == ENOTDIR || err == EISDIR else {
                    throw LocalFiles.error("delete", path, errno: err)
                }
            }
        }
        logger.debug("deleted object", metadata: ["storage.object": "\(uri)"])
    }

    public func exists(_ uri: StorageURI) async throws -> Bool {
        let path = try objectPath(uri)
        return try await Blocking.run { LocalFiles.isFile(path) }
    }

    // MARK: - Listing

    private func listRecursively(_ location: StorageURI, folder: String) throws -> ObjectListing {
        var objects: [StoredObject] = []
        try walk(folder, relative: "") { relative, size in
            objects.append(StoredObject(uri: location.appending(relative), size: size))
        }
        objects.sort { Self.precedes($0.uri.path, $1.uri.path) }
        return ObjectListing(objects: objects)
    }

    private func listDirectly(_ location: StorageURI, folder: String) throws -> ObjectListing {
        var objects: [StoredObject] = []
        var prefixes: [StorageURI] = []
        for entry in try LocalFiles.entries(of: folder) where !entry.name.hasPrefix(LocalFiles.temporaryPrefix) {
            let path = folder + "/" + entry.name
            if entry.isDirectory {
                // Cloud Storage has no empty folders: a prefix exists only with an object under it.
                if try containsObject(path) { prefixes.append(location.appending(entry.name)) }
            } else if let info = LocalFiles.status(path), (info.st_mode & S_IFMT) == S_IFREG {
                objects.append(StoredObject(uri: location.appending(entry.name), size: Int(info.st_size)))
            }
        }
        objects.sort { Self.precedes($0.uri.path, $1.uri.path) }
        prefixes.sort { Self.precedes($0.path, $1.path) }
        return ObjectListing(objects: objects, prefixes: prefixes)
    }

    private func walk(_ folder: String, relative: String, _ visit: (String, Int) -> Void) throws {
        for entry in try LocalFiles.entries(of: folder) where !entry.name.hasPrefix(LocalFiles.temporaryPrefix) {
            let path = folder + "/" + entry.name
            let name = relative.isEmpty ? entry.name : relative + "/" + entry.name
            if entry.isDirectory {
                try walk(path, relative: name, visit)
            } else if let info = LocalFiles.status(path), (info.st_mode & S_IFMT) == S_IFREG {
                visit(name, Int(info.st_size))
            }
        }
    }

    private func containsObject(_ folder: String) throws -> Bool {
        for entry in try LocalFiles.entries(of: folder) where !entry.name.hasPrefix(LocalFiles.temporaryPrefix) {
            if entry.isDirectory {
                if try containsObject(folder + "/" + entry.name) { return true }
            } else if LocalFiles.isFile(folder + "/" + entry.name) {
                return true
            }
        }
        return false
    }

    /// Cloud Storage orders names by their UTF-8 bytes.
    private static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: - Paths

    private func objectPath(_ uri: StorageURI) throws -> String {
        guard !uri.path.isEmpty else {
            throw RuntimeError(code: "invalid", message: "'\(uri)' names a bucket, not an object", disposition: .stalled)
        }
        // URIs made without `StorageURI.parse` are unchecked: never let one reach outside storage/.
        guard !uri.bucket.contains("/"), !uri.bucket.hasPrefix("."),
              !uri.path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw RuntimeError(code: "invalid", message: "'\(uri)' is not a valid object name", disposition: .stalled)
        }
        return layout.path(for: uri)
    }

    private static func folderConflict(_ uri: StorageURI) -> RuntimeError {
        RuntimeError(code: "invalid",
                     message: "'\(uri)' is a folder of other objects in the local store, so it cannot also be an object; choose another name",
                     disposition: .stalled)
    }
}
