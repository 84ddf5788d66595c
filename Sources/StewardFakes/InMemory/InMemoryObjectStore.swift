import StewardCore
import StewardRuntime

/// An `ObjectStore` in memory, for the adapters' tests; counts creates and writes.
public actor InMemoryObjectStore: ObjectStore {
    public private(set) var objects: [StorageURI: [UInt8]] = [:]
    public private(set) var creates = 0
    public private(set) var writes = 0

    public init() {}

    public func list(_ location: StorageURI, delimiter: String?) async throws -> ObjectListing {
        let prefix = location.prefix
        var listing = ObjectListing()
        var prefixes = Set<StorageURI>()
        for (uri, bytes) in objects where uri.bucket == location.bucket && uri.path.hasPrefix(prefix) {
            let rest = uri.path.dropFirst(prefix.count)
            if let delimiter, let cut = rest.range(of: delimiter) {
                prefixes.insert(StorageURI(bucket: uri.bucket, path: prefix + rest[..<cut.lowerBound]))
            } else {
                listing.objects.append(StoredObject(uri: uri, size: bytes.count))
            }
        }
        listing.objects.sort { $0.uri < $1.uri }
        listing.prefixes = prefixes.sorted()
        return listing
    }

    public func read(_ uri: StorageURI) async throws -> [UInt8] {
        guard let bytes = objects[uri] else { throw RuntimeError.notFound("object '\(uri)'") }
        return bytes
    }

    public func create(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws -> Bool {
        creates += 1
        guard objects[uri] == nil else { return false }
        objects[uri] = bytes
        return true
    }

    public func write(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws {
        writes += 1
        objects[uri] = bytes
    }

    public func delete(_ uri: StorageURI) async throws { objects[uri] = nil }

    public func exists(_ uri: StorageURI) async throws -> Bool { objects[uri] != nil }
}
