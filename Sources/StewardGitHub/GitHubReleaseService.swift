import Logging
import StewardCore
import StewardRuntime

/// The `gcp` adapter of `ReleaseService`: GitHub Releases through `GitHubClient`.
public struct GitHubReleaseService: ReleaseService {
    private let client: GitHubClient
    private let logger: Logger

    /// Makes the adapter over a client.
    public init(client: GitHubClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The releases of each repository (all pages, drafts included when the token may see them), with the names of
    /// their finished assets. Repositories are listed one after another, in name order, to stay gentle on the
    /// rate limit.
    public func observeReleases(repositories: Set<String>) async throws -> [ObservedRelease] {
        var observed: [ObservedRelease] = []
        for name in repositories.sorted() {
            let repository = try GitHubRepository(name)
            let releases = try await client.listReleases(repository)
            logger.debug("github releases observed", metadata: ["github.repository": "\(repository)",
                                                                "github.releases": "\(releases.count)"])
            observed += releases.map { release in
                ObservedRelease(repository: name, tag: release.tagName, id: String(release.id), draft: release.draft,
                                assets: release.assets.filter(\.isUploaded).map(\.name))
            }
        }
        return observed
    }

    /// Creates the release for the tag from the model's commit; a release that exists for the tag (published or
    /// draft) is adopted.
    public func create(_ request: CreateRelease) async throws -> StartOutcome {
        let repository = try GitHubRepository(request.repository)
        let result = try await client.ensureRelease(repository, GitHubReleaseRequest(
            tagName: request.tag, targetCommitish: request.commit, name: request.name, body: request.body,
            draft: request.draft, prerelease: request.prerelease))
        logger.debug("github release", metadata: ["github.repository": "\(repository)", "github.tag": "\(request.tag)",
                                                  "outcome": "\(result.outcome.rawValue)"])
        return result.outcome
    }

    /// Uploads an asset to the tag's release; an asset of that name already there is adopted.
    public func uploadAsset(_ request: UploadAsset, bytes: [UInt8], contentType: String) async throws -> StartOutcome {
        let repository = try GitHubRepository(request.repository)
        guard let release = try await client.release(repository, tag: request.tag) else {
            throw RuntimeError(code: "not_found",
                               message: "release '\(request.tag)' does not exist in '\(request.repository)'; "
                                   + "it is created before its assets, so the next reconcile creates it",
                               disposition: .retry)
        }
        if release.assets.contains(where: { $0.name == request.name && $0.isUploaded }) {
            return .adopted
        }
        let result = try await client.uploadAsset(repository, release: release, name: request.name,
                                                  contentType: contentType, bytes: bytes)
        logger.debug("github asset", metadata: ["github.repository": "\(repository)", "github.tag": "\(request.tag)",
                                                "github.asset": "\(request.name)",
                                                "outcome": "\(result.outcome.rawValue)"])
        return result.outcome
    }
}
