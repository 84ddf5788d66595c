import Foundation

/// The fields of a GitHub `push` webhook payload that a reconciler needs: which ref moved to which commit, where.
public struct PushEvent: Sendable, Hashable, Decodable {
    /// The full ref, e.g. `refs/heads/main` or `refs/tags/v1`.
    public var ref: String
    /// The commit the ref pointed to before (40 zeros when the ref was created).
    public var before: String?
    /// The commit the ref points to now (40 zeros when the ref was deleted).
    public var after: String
    /// Whether the push deleted the ref.
    public var deleted: Bool
    /// The repository pushed to.
    public var repository: Repository

    /// The repository part of the payload.
    public struct Repository: Sendable, Hashable, Decodable {
        /// `owner/name`.
        public var fullName: String
        /// The HTTPS clone URL.
        public var cloneURL: String

        /// Makes a value.
        public init(fullName: String, cloneURL: String) {
            self.fullName = fullName
            self.cloneURL = cloneURL
        }

        enum CodingKeys: String, CodingKey {
            case fullName = "full_name"
            case cloneURL = "clone_url"
        }
    }

    enum CodingKeys: String, CodingKey { case ref, before, after, deleted, repository }

    /// Decodes the payload; `deleted` absent counts as false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ref = try container.decode(String.self, forKey: .ref)
        before = try container.decodeIfPresent(String.self, forKey: .before)
        after = try container.decode(String.self, forKey: .after)
        deleted = try container.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        repository = try container.decode(Repository.self, forKey: .repository)
    }

    /// Decodes a raw request body (after its signature was verified).
    public static func decode(_ body: [UInt8]) throws -> PushEvent {
        try JSONDecoder().decode(PushEvent.self, from: Data(body))
    }

    /// The branch name for `refs/heads/<branch>`, else nil.
    public var branch: String? {
        ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil
    }
}
