import Foundation

/// What `git log` shows about one commit.
public struct CommitInfo: Sendable, Hashable, Codable {
    /// The commit's full id.
    public var id: CommitID
    /// The first paragraph of the message, on one line.
    public var summary: String
    /// The author's name.
    public var authorName: String
    /// The author's email address.
    public var authorEmail: String
    /// When the author made the commit.
    public var time: Date

    /// Makes a commit description from its parts.
    public init(id: CommitID, summary: String, authorName: String, authorEmail: String, time: Date) {
        self.id = id
        self.summary = summary
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.time = time
    }
}
