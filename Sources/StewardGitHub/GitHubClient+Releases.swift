import Foundation
import StewardHTTP
import StewardRuntime

extension GitHubClient {
    /// Every release of a repository, newest first, drafts included when the token has push access.
    public func listReleases(_ repository: GitHubRepository) async throws -> [GitHubRelease] {
        try await paginate(GitHubRelease.self,
                           firstURL: repositoryURL(repository, "/releases?per_page=\(pageSize)"),
                           operation: "list releases of '\(repository)'")
    }

    /// The published release for a tag (`GET …/releases/tags/{tag}`); nil on 404. Drafts are never returned here.
    public func publishedRelease(_ repository: GitHubRepository, tag: String) async throws -> GitHubRelease? {
        let operation = "get release '\(tag)' of '\(repository)'"
        let response = try await send("GET", url: repositoryURL(repository, "/releases/tags/\(URLEncoding.path(tag))"),
                                      operation: operation)
        switch response.status {
        case 200: return try decode(GitHubRelease.self, from: response, operation: operation)
        case 404: return nil
        default: throw failure(response, operation: operation)
        }
    }

    /// The release for a tag, published or draft: get-by-tag first, then the list for a draft with that tag.
    public func release(_ repository: GitHubRepository, tag: String) async throws -> GitHubRelease? {
        if let published = try await publishedRelease(repository, tag: tag) { return published }
        return try await listReleases(repository).first { $0.tagName == tag }
    }

    /// Creates a release (`POST …/releases`). A 422 `already_exists` is answered by finding the tag's release and
    /// adopting it; the create is never retried blindly.
    public func createRelease(_ repository: GitHubRepository,
                              _ request: GitHubReleaseRequest) async throws -> GitHubWriteResult<GitHubRelease> {
        let operation = "create release '\(request.tagName)' in '\(repository)'"
        try requireToken(for: operation)
        let body = try JSONEncoder().encode(request)
        let response = try await send("POST", url: repositoryURL(repository, "/releases"), body: Array(body),
                                      contentType: "application/json", operation: operation)
        if response.status == 201 || response.status == 200 {
            return GitHubWriteResult(try decode(GitHubRelease.self, from: response, operation: operation), .created)
        }
        if GitHubErrorMapper.isAlreadyExists(response),
           let existing = try await release(repository, tag: request.tagName) {
            logger.debug("github release adopted", metadata: ["github.repository": "\(repository)",
                                                              "github.tag": "\(request.tagName)"])
            return GitHubWriteResult(existing, .adopted)
        }
        throw failure(response, operation: operation)
    }

    /// The tag's release if it exists (published or draft, adopted), else a new one.
    ///
    /// Looking first matters for drafts: they create no tag, so a second create of a draft is not always refused.
    public func ensureRelease(_ repository: GitHubRepository,
                              _ request: GitHubReleaseRequest) async throws -> GitHubWriteResult<GitHubRelease> {
        try requireToken(for: "create release '\(request.tagName)' in '\(repository)'")
        if let existing = try await release(repository, tag: request.tagName) {
            return GitHubWriteResult(existing, .adopted)
        }
        return try await createRelease(repository, request)
    }
}
