import StewardHTTP
import StewardRuntime

extension GitHubClient {
    /// Every asset of a release (`GET …/releases/{id}/assets`, all pages).
    public func listAssets(_ repository: GitHubRepository, releaseID: Int) async throws -> [GitHubReleaseAsset] {
        try await paginate(GitHubReleaseAsset.self,
                           firstURL: repositoryURL(repository, "/releases/\(releaseID)/assets?per_page=\(pageSize)"),
                           operation: "list assets of release \(releaseID) of '\(repository)'")
    }

    /// Uploads an asset to the release's `upload_url` (the uploads host), raw bytes with their `Content-Type`.
    ///
    /// A 422 for a duplicate name is answered by listing the assets and adopting the one with that name, when
    /// its upload finished; one that an interrupted upload left unfinished (state `starter` or `open`) holds no
    /// usable content, and is deleted and uploaded again, once. GitHub renames names with special characters; use
    /// plain names (`model.tar.gz`).
    public func uploadAsset(_ repository: GitHubRepository, release: GitHubRelease, name: String, contentType: String,
                            bytes: [UInt8]) async throws -> GitHubWriteResult<GitHubReleaseAsset> {
        try await uploadAsset(repository, release: release, name: name, contentType: contentType, bytes: bytes,
                              replacingUnfinished: true)
    }

    private func uploadAsset(_ repository: GitHubRepository, release: GitHubRelease, name: String, contentType: String,
                             bytes: [UInt8], replacingUnfinished: Bool) async throws -> GitHubWriteResult<GitHubReleaseAsset> {
        let operation = "upload asset '\(name)' to release '\(release.tagName)' of '\(repository)'"
        try requireToken(for: operation)
        let url = try uploadURL(repository, release: release, operation: operation)
            + "?name=\(URLEncoding.component(name))"
        // The token must reach the uploads host; one that is not GitHub's would never see it, so say so now.
        guard endpoint.authorizes(url) else {
            throw RuntimeError(code: "invalid",
                               message: "\(operation): the release's upload URL is not on the GitHub API's hosts "
                                   + "('\(endpoint.apiBaseURL)'); the token is not sent there",
                               disposition: .stalled)
        }
        let response = try await send("POST", url: url, body: bytes, contentType: contentType, operation: operation)
        if response.status == 201 || response.status == 200 {
            return GitHubWriteResult(try decode(GitHubReleaseAsset.self, from: response, operation: operation), .created)
        }
        if response.status == 422 {
            let existing = try await listAssets(repository, releaseID: release.id).first { $0.name == name }
            if let existing, existing.isUploaded {
                logger.debug("github asset adopted", metadata: ["github.repository": "\(repository)",
                                                                "github.tag": "\(release.tagName)",
                                                                "github.asset": "\(name)"])
                return GitHubWriteResult(existing, .adopted)
            }
            if let existing, replacingUnfinished {
                logger.notice("deleting a release asset left unfinished by an interrupted upload", metadata: [
                    "github.repository": "\(repository)", "github.tag": "\(release.tagName)", "github.asset": "\(name)",
                    "github.asset.state": "\(existing.state ?? "")",
                ])
                try await deleteAsset(repository, assetID: existing.id)
                return try await uploadAsset(repository, release: release, name: name, contentType: contentType,
                                             bytes: bytes, replacingUnfinished: false)
            }
            if let existing {
                throw RuntimeError(code: "conflict",
                                   message: "\(operation) failed: an asset of that name is left in state "
                                       + "'\(existing.state ?? "")' by an interrupted upload; delete it on GitHub",
                                   disposition: .stalled)
            }
        }
        throw failure(response, operation: operation)
    }

    /// Deletes an asset (`DELETE …/releases/assets/{id}`); one already gone is fine.
    public func deleteAsset(_ repository: GitHubRepository, assetID: Int) async throws {
        let operation = "delete asset \(assetID) of '\(repository)'"
        try requireToken(for: operation)
        let response = try await send("DELETE", url: repositoryURL(repository, "/releases/assets/\(assetID)"),
                                      operation: operation)
        guard response.status == 204 || response.status == 404 else { throw failure(response, operation: operation) }
    }

    /// The release's `upload_url` without its `{?name,label}` template, else the uploads host derived from the API.
    func uploadURL(_ repository: GitHubRepository, release: GitHubRelease, operation: String) throws -> String {
        if let template = release.uploadURL, !template.isEmpty {
            return String(template.prefix { $0 != "{" })
        }
        guard let uploads = endpoint.uploadsBaseURL else {
            throw RuntimeError(code: "invalid_response",
                               message: "\(operation): the release has no 'upload_url' and none can be derived "
                                   + "from '\(endpoint.apiBaseURL)'")
        }
        return "\(uploads)/repos/\(URLEncoding.component(repository.owner))/"
            + "\(URLEncoding.component(repository.name))/releases/\(release.id)/assets"
    }
}
