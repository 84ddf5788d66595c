import Logging
import StewardCore
import StewardHTTP
import StewardRuntime

/// The `gcp` adapter of the `ObjectStore` port: Cloud Storage through `StorageClient`.
public struct GCSObjectStore: ObjectStore {
    public let client: StorageClient

    public init(client: StorageClient) {
        self.client = client
    }

    /// Cloud Storage as the environment configures it (see `StorageClient.configured(environment:…)`).
    public init(environment: [String: String], credentials: (any AccessTokenProvider)? = nil, logger: Logger) {
        client = StorageClient.configured(environment: environment, credentials: credentials, logger: logger)
    }

    public func list(_ location: StorageURI, delimiter: String?) async throws -> ObjectListing {
        let listing = try await client.list(bucket: location.bucket, prefix: location.prefix, delimiter: delimiter)
        // Names ending in "/" are folder placeholders that some tools create; they are not objects here.
        let objects = listing.items.filter { !$0.name.hasSuffix("/") }.map {
            StoredObject(uri: StorageURI(bucket: location.bucket, path: $0.name), size: $0.size, generation: $0.generation,
                         contentHash: $0.md5Hash.map { "md5:" + $0 })
        }
        let prefixes = listing.prefixes.map { prefix -> StorageURI in
            var path = Substring(prefix)
            if let delimiter, path.hasSuffix(delimiter) { path = path.dropLast(delimiter.count) }
            return StorageURI(bucket: location.bucket, path: String(path))
        }
        return ObjectListing(objects: objects, prefixes: prefixes)
    }

    public func read(_ uri: StorageURI) async throws -> [UInt8] {
        do {
            return try await client.download(bucket: uri.bucket, name: uri.path)
        } catch let error as RuntimeError where error.isNotFound {
            throw RuntimeError.notFound("'\(uri)'")
        }
    }

    @discardableResult
    public func create(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws -> Bool {
        try await client.createIfAbsent(bucket: uri.bucket, name: uri.path, bytes: bytes, contentType: contentType) != nil
    }

    public func write(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws {
        _ = try await client.insert(bucket: uri.bucket, name: uri.path, bytes: bytes, contentType: contentType)
    }

    public func delete(_ uri: StorageURI) async throws {
        try await client.delete(bucket: uri.bucket, name: uri.path)
    }

    public func exists(_ uri: StorageURI) async throws -> Bool {
        do {
            _ = try await client.metadata(bucket: uri.bucket, name: uri.path)
            return true
        } catch let error as RuntimeError where error.isNotFound {
            return false
        }
    }
}
