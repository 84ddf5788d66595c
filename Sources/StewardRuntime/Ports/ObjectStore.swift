import StewardCore

/// An object in a store.
public struct StoredObject: Sendable, Hashable {
    public var uri: StorageURI
    public var size: Int
    /// The store's version of the object (a Cloud Storage generation), when it has one.
    public var generation: String?
    /// A digest of the content the store keeps (Cloud Storage's base64 MD5), when it has one.
    public var contentHash: String?

    public init(uri: StorageURI, size: Int, generation: String? = nil, contentHash: String? = nil) {
        self.uri = uri
        self.size = size
        self.generation = generation
        self.contentHash = contentHash
    }

    /// The last path segment.
    public var name: String { uri.path.split(separator: "/").last.map(String.init) ?? "" }
}

/// One listing: the objects under a prefix and, with a delimiter, the common prefixes ("folders").
public struct ObjectListing: Sendable, Hashable {
    public var objects: [StoredObject]
    /// Folder-like prefixes directly under the listed location (with a delimiter only).
    public var prefixes: [StorageURI]

    public init(objects: [StoredObject] = [], prefixes: [StorageURI] = []) {
        self.objects = objects
        self.prefixes = prefixes
    }
}

/// Object storage: Cloud Storage on `gcp`, files under `<root>/storage/` on `local`.
public protocol ObjectStore: Sendable {
    /// Lists everything under `location/` (all pages). With `delimiter: "/"`, only the objects directly
    /// under it, plus the prefixes of deeper ones.
    func list(_ location: StorageURI, delimiter: String?) async throws -> ObjectListing
    /// The object's bytes; throws `RuntimeError` with code `not_found` when absent.
    func read(_ uri: StorageURI) async throws -> [UInt8]
    /// Creates the object only when it is absent (`ifGenerationMatch=0`); false when it already existed.
    @discardableResult
    func create(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws -> Bool
    /// Creates or replaces the object.
    func write(_ uri: StorageURI, bytes: [UInt8], contentType: String?) async throws
    /// Deletes the object; an absent object is not an error.
    func delete(_ uri: StorageURI) async throws
    /// Whether the object exists.
    func exists(_ uri: StorageURI) async throws -> Bool
}
