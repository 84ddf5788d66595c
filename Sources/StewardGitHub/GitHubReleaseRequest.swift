/// The body of `POST /repos/{owner}/{repo}/releases`.
public struct GitHubReleaseRequest: Sendable, Hashable, Encodable {
    /// The tag; created from `targetCommitish` when it does not exist yet.
    public var tagName: String
    /// The commit (or branch) the tag is created from; unused when the tag exists.
    public var targetCommitish: String?
    /// The title.
    public var name: String?
    /// The description (Markdown).
    public var body: String?
    /// A draft is unpublished and visible only with push access.
    public var draft: Bool
    /// Marks it as a pre-release.
    public var prerelease: Bool

    /// Makes a request.
    public init(tagName: String, targetCommitish: String? = nil, name: String? = nil, body: String? = nil,
                draft: Bool = false, prerelease: Bool = false) {
        self.tagName = tagName
        self.targetCommitish = targetCommitish
        self.name = name
        self.body = body
        self.draft = draft
        self.prerelease = prerelease
    }

    enum CodingKeys: String, CodingKey {
        case tagName = "tag_name"
        case targetCommitish = "target_commitish"
        case name, body, draft, prerelease
    }

    /// Encodes the fields that are set; absent optionals stay absent rather than `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tagName, forKey: .tagName)
        try container.encodeIfPresent(targetCommitish, forKey: .targetCommitish)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(body, forKey: .body)
        try container.encode(draft, forKey: .draft)
        try container.encode(prerelease, forKey: .prerelease)
    }
}
