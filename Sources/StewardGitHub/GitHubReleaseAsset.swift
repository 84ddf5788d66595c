/// A release asset as the REST API returns it (the fields Steward reads).
public struct GitHubReleaseAsset: Sendable, Hashable, Decodable {
    /// The numeric asset id.
    public var id: Int
    /// The name GitHub stored (it renames special characters; match on this, not on the requested name).
    public var name: String
    /// `uploaded` when complete; `open` (or `starter` after a failed upload) otherwise.
    public var state: String?
    /// The media type given at upload.
    public var contentType: String?
    /// Bytes.
    public var size: Int?
    /// `sha256:<hex>` on assets uploaded since 2025-06; absent on older ones.
    public var digest: String?

    /// Makes an asset value (tests and the local tools).
    public init(id: Int, name: String, state: String? = "uploaded", contentType: String? = nil, size: Int? = nil,
                digest: String? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.contentType = contentType
        self.size = size
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case id, name, state
        case contentType = "content_type"
        case size, digest
    }

    /// Whether the upload finished; an asset left by an interrupted upload is not usable.
    public var isUploaded: Bool { state == nil || state == "uploaded" }
}
