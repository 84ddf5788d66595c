/// A release as the REST API returns it (the fields Steward reads).
public struct GitHubRelease: Sendable, Hashable, Decodable {
    /// The numeric release id.
    public var id: Int
    /// The tag the release is for.
    public var tagName: String
    /// Branch or commit the tag was (or will be) created from.
    public var targetCommitish: String?
    /// The title; null when none was given.
    public var name: String?
    /// Drafts are visible only with push access and are not returned by get-by-tag.
    public var draft: Bool
    /// Whether it is marked as a pre-release.
    public var prerelease: Bool
    /// RFC 6570 template of the uploads URL, e.g. `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`.
    public var uploadURL: String?
    /// The assets attached to the release.
    public var assets: [GitHubReleaseAsset]

    /// Makes a release value (tests and the local tools).
    public init(id: Int, tagName: String, targetCommitish: String? = nil, name: String? = nil, draft: Bool = false,
                prerelease: Bool = false, uploadURL: String? = nil, assets: [GitHubReleaseAsset] = []) {
        self.id = id
        self.tagName = tagName
        self.targetCommitish = targetCommitish
        self.name = name
        self.draft = draft
        self.prerelease = prerelease
        self.uploadURL = uploadURL
        self.assets = assets
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tagName = "tag_name"
        case targetCommitish = "target_commitish"
        case name, draft, prerelease
        case uploadURL = "upload_url"
        case assets
    }

    /// Decodes a release; a missing `assets` array counts as no assets.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        tagName = try container.decode(String.self, forKey: .tagName)
        targetCommitish = try container.decodeIfPresent(String.self, forKey: .targetCommitish)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        draft = try container.decodeIfPresent(Bool.self, forKey: .draft) ?? false
        prerelease = try container.decodeIfPresent(Bool.self, forKey: .prerelease) ?? false
        uploadURL = try container.decodeIfPresent(String.self, forKey: .uploadURL)
        assets = try container.decodeIfPresent([GitHubReleaseAsset].self, forKey: .assets) ?? []
    }
}
