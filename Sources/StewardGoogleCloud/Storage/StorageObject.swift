/// An object's metadata, as the JSON API returns it (`storage#object`); int64 fields arrive as strings.
public struct StorageObject: Sendable, Hashable, Decodable {
    public var bucket: String
    public var name: String
    /// The content generation; changes on every overwrite.
    public var generation: String?
    public var metageneration: String?
    public var size: Int
    public var contentType: String?
    /// Base64 of the big-endian CRC-32C.
    public var crc32c: String?
    public var md5Hash: String?
    public var updated: String?

    public init(bucket: String, name: String, generation: String? = nil, metageneration: String? = nil, size: Int,
                contentType: String? = nil, crc32c: String? = nil, md5Hash: String? = nil, updated: String? = nil) {
        self.bucket = bucket
        self.name = name
        self.generation = generation
        self.metageneration = metageneration
        self.size = size
        self.contentType = contentType
        self.crc32c = crc32c
        self.md5Hash = md5Hash
        self.updated = updated
    }

    private enum CodingKeys: String, CodingKey {
        case bucket, name, generation, metageneration, size, contentType, crc32c, md5Hash, updated
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bucket = try c.decodeIfPresent(String.self, forKey: .bucket) ?? ""
        name = try c.decode(String.self, forKey: .name)
        generation = try Self.int64String(c, .generation)
        metageneration = try Self.int64String(c, .metageneration)
        size = Int(try Self.int64String(c, .size) ?? "0") ?? 0
        contentType = try c.decodeIfPresent(String.self, forKey: .contentType)
        crc32c = try c.decodeIfPresent(String.self, forKey: .crc32c)
        md5Hash = try c.decodeIfPresent(String.self, forKey: .md5Hash)
        updated = try c.decodeIfPresent(String.self, forKey: .updated)
    }

    /// An int64 field: a JSON string by the protobuf mapping, tolerated as a number.
    private static func int64String(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        if let text = try? c.decodeIfPresent(String.self, forKey: key) { return text }
        return try c.decodeIfPresent(Int64.self, forKey: key).map(String.init)
    }
}
