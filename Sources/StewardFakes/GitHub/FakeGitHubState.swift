import Foundation

/// The fake's data and its implementation of the releases contract (`api/CONTRACTS.md` §4).
public actor FakeGitHubState {
    public struct Configuration: Sendable {
        /// The only token accepted (`Bearer` or legacy `token`).
        public var token = "ghp_fake_token_0123456789"
        /// Repositories that exist; anything else is 404.
        public var repositories: Set<String> = ["octo/models"]
        /// GitHub's cap on `per_page` is 100; tests lower it to force pagination.
        public var maxPerPage = 100
        /// `x-ratelimit-reset` (seconds since 1970).
        public var rateLimitReset = 1_900_000_000

        public init(token: String = "ghp_fake_token_0123456789", repositories: Set<String> = ["octo/models"],
                    maxPerPage: Int = 100, rateLimitReset: Int = 1_900_000_000) {
            self.token = token
            self.repositories = repositories
            self.maxPerPage = maxPerPage
            self.rateLimitReset = rateLimitReset
        }
    }

    public struct StoredAsset: Sendable {
        public var id: Int
        public var name: String
        public var label: String?
        public var contentType: String
        public var bytes: [UInt8]
        public var state: String
    }

    public struct StoredRelease: Sendable {
        public var id: Int
        public var repository: String
        public var tagName: String
        public var targetCommitish: String
        public var name: String?
        public var body: String?
        public var draft: Bool
        public var prerelease: Bool
        public var assets: [StoredAsset] = []
    }

    /// A failure served instead of the next request (after the User-Agent check).
    public enum Injected: Sendable {
        /// Primary limit exhausted: `x-ratelimit-remaining: 0` and the configured reset.
        case primaryRateLimit(status: Int)
        /// Secondary limit: `retry-after` seconds.
        case secondaryRateLimit(status: Int, retryAfter: Int)
    }

    public let configuration: Configuration
    let schema: CreateReleaseSchema
    public private(set) var baseURL = ""
    public private(set) var releases: [StoredRelease] = []
    public private(set) var requests: [FakeGitHubRequest] = []
    private var injected: [Injected] = []
    private var writeDenial: String?
    private var nextID = 1000
    private var remaining = 5000

    public init(configuration: Configuration) throws {
        self.configuration = configuration
        schema = try CreateReleaseSchema.load()
    }

    public func setBaseURL(_ url: String) { baseURL = url }
    public func inject(_ failure: Injected) { injected.append(failure) }
    /// Refuses every write (POST, PATCH, DELETE) with 403 and this message, as GitHub answers a token without
    /// `contents: write`, until `allowWrites()`; the rate-limit headers say plenty remain, so it is no rate limit.
    public func denyWrites(_ message: String = "Resource not accessible by personal access token") { writeDenial = message }
    public func allowWrites() { writeDenial = nil }

    @discardableResult
    public func seed(repository: String, tag: String, draft: Bool, assets: [String] = [],
                     assetState: String = "uploaded") -> Int {
        let id = newID()
        var release = StoredRelease(id: id, repository: repository, tagName: tag, targetCommitish: "main", name: tag,
                                    body: nil, draft: draft, prerelease: false)
        release.assets = assets.map { StoredAsset(id: newID(), name: $0, label: nil, contentType: "application/gzip",
                                                  bytes: [1, 2, 3], state: assetState) }
        releases.append(release)
        return id
    }

    private func newID() -> Int {
        nextID += 1
        return nextID
    }

    // MARK: - Serving

    public func handle(_ request: FakeGitHubRequest) -> FakeGitHubResponse {
        requests.append(request)
        // GitHub rejects requests without a User-Agent before anything else.
        guard let agent = request.header("user-agent"), !agent.isEmpty else {
            return error(403, "Request forbidden by administrative rules. Please make sure your request has a "
                + "User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). "
                + "Check https://developer.github.com for other possible causes.")
        }
        let authenticated: Bool
        switch request.header("authorization") {
        case nil:
            authenticated = false
        case "Bearer \(configuration.token)", "token \(configuration.token)":
            authenticated = true
        default:
            return error(401, "Bad credentials")
        }
        if !injected.isEmpty {
            switch injected.removeFirst() {
            case .primaryRateLimit(let status):
                return withRateLimit(error(status, "API rate limit exceeded for user ID 1. If you reach out to GitHub "
                    + "Support for help, please include the request ID."), authenticated: authenticated, exhausted: true)
            case .secondaryRateLimit(let status, let retryAfter):
                var response = error(status, "You have exceeded a secondary rate limit. Please wait a few minutes "
                    + "before you try again.")
                response.headers.append(("retry-after", String(retryAfter)))
                return response
            }
        }
        remaining -= 1
        if let writeDenial, request.method != "GET", request.method != "HEAD" {
            return withRateLimit(error(403, writeDenial), authenticated: authenticated, exhausted: false)
        }
        return withRateLimit(route(request, authenticated: authenticated), authenticated: authenticated,
                             exhausted: false)
    }

    private func route(_ request: FakeGitHubRequest, authenticated: Bool) -> FakeGitHubResponse {
        var segments = request.segments[...]
        let uploads = segments.first == "uploads"
        if uploads { segments = segments.dropFirst() }
        guard segments.count >= 4, segments.first == "repos", segments[segments.startIndex + 3] == "releases" else {
            return notFound()
        }
        let repository = "\(segments[segments.startIndex + 1])/\(segments[segments.startIndex + 2])"
        guard configuration.repositories.contains(repository) else { return notFound() }
        let rest = Array(segments.dropFirst(4))
        switch (uploads, request.method, rest.count) {
        case (false, "GET", 0):
            let visible = releases.filter { $0.repository == repository && (authenticated || !$0.draft) }
                .sorted { $0.id > $1.id }
            return page(visible.map(releaseJSON), request: request)
        case (false, "POST", 0):
            guard authenticated else { return error(401, "Requires authentication") }
            return create(request, repository: repository)
        case (false, "GET", _) where rest.first == "tags" && rest.count >= 2:
            let tag = rest.dropFirst().joined(separator: "/")
            guard let release = releases.first(where: { $0.repository == repository && $0.tagName == tag && !$0.draft })
            else { return notFound() }
            return json(200, releaseJSON(release))
        case (false, "GET", 1):
            guard let release = find(repository, id: rest[0], authenticated: authenticated) else { return notFound() }
            return json(200, releaseJSON(release))
        case (false, "GET", 2) where rest[1] == "assets":
            guard let release = find(repository, id: rest[0], authenticated: authenticated) else { return notFound() }
            return page(release.assets.map { assetJSON($0, release: release) }, request: request)
        case (false, "DELETE", 2) where rest[0] == "assets":
            guard authenticated else { return error(401, "Requires authentication") }
            guard let index = releases.firstIndex(where: { $0.repository == repository && $0.assets.contains { String($0.id) == rest[1] } })
            else { return notFound() }
            releases[index].assets.removeAll { String($0.id) == rest[1] }
            return FakeGitHubResponse(status: 204, headers: [], body: [])
        case (true, "POST", 2) where rest[1] == "assets":
            guard authenticated else { return error(401, "Requires authentication") }
            guard let release = find(repository, id: rest[0], authenticated: true) else { return notFound() }
            return upload(request, release: release)
        default:
            return notFound()
        }
    }

    private func find(_ repository: String, id: String, authenticated: Bool) -> StoredRelease? {
        releases.first { $0.repository == repository && String($0.id) == id && (authenticated || !$0.draft) }
    }

    private func create(_ request: FakeGitHubRequest, repository: String) -> FakeGitHubResponse {
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(request.body)) else {
            return error(400, "Problems parsing JSON")
        }
        if let problem = schema.problem(in: body) { return error(422, problem) }
        let tag = body["tag_name"]?.string ?? ""
        if releases.contains(where: { $0.repository == repository && $0.tagName == tag }) {
            return validationFailed(resource: "Release", field: "tag_name",
                                    documentation: "https://docs.github.com/rest/releases/releases#create-a-release")
        }
        let release = StoredRelease(id: newID(), repository: repository, tagName: tag,
                                    targetCommitish: body["target_commitish"]?.string ?? "main",
                                    name: body["name"]?.string, body: body["body"]?.string,
                                    draft: body["draft"]?.bool ?? false, prerelease: body["prerelease"]?.bool ?? false)
        releases.append(release)
        var response = json(201, releaseJSON(release))
        response.headers.append(("Location", "\(baseURL)/repos/\(repository)/releases/\(release.id)"))
        return response
    }

    private func upload(_ request: FakeGitHubRequest, release: StoredRelease) -> FakeGitHubResponse {
        let parameters = request.parameters
        guard let name = parameters["name"], !name.isEmpty else {
            return error(422, "Bad request: 'name' is required")
        }
        guard let contentType = request.header("content-type"), !contentType.isEmpty else {
            return error(422, "Bad Content-Type header value")
        }
        guard let index = releases.firstIndex(where: { $0.id == release.id }) else { return notFound() }
        if releases[index].assets.contains(where: { $0.name == name }) {
            return validationFailed(resource: "ReleaseAsset", field: "name",
                                    documentation: "https://docs.github.com/rest/releases/assets#upload-a-release-asset")
        }
        let asset = StoredAsset(id: newID(), name: name, label: parameters["label"], contentType: contentType,
                                bytes: request.body, state: "uploaded")
        releases[index].assets.append(asset)
        return json(201, assetJSON(asset, release: releases[index]))
    }

    // MARK: - Representations

    private func releaseJSON(_ release: StoredRelease) -> [String: Any] {
        let api = "\(baseURL)/repos/\(release.repository)/releases/\(release.id)"
        return [
            "url": api, "html_url": "\(baseURL)/\(release.repository)/releases/tag/\(release.tagName)",
            "assets_url": "\(api)/assets",
            "upload_url": "\(baseURL)/uploads/repos/\(release.repository)/releases/\(release.id)/assets{?name,label}",
            "tarball_url": NSNull(), "zipball_url": NSNull(),
            "id": release.id, "node_id": "RE_\(release.id)", "tag_name": release.tagName,
            "target_commitish": release.targetCommitish, "name": release.name ?? NSNull(),
            "body": release.body ?? NSNull(), "draft": release.draft, "prerelease": release.prerelease,
            "created_at": "2026-01-01T00:00:00Z", "published_at": release.draft ? NSNull() : "2026-01-01T00:00:00Z",
            "author": ["login": "steward-bot", "id": 1],
            "assets": release.assets.map { assetJSON($0, release: release) },
        ]
    }

    private func assetJSON(_ asset: StoredAsset, release: StoredRelease) -> [String: Any] {
        [
            "url": "\(baseURL)/repos/\(release.repository)/releases/assets/\(asset.id)",
            "browser_download_url": "\(baseURL)/\(release.repository)/releases/download/\(release.tagName)/\(asset.name)",
            "id": asset.id, "node_id": "RA_\(asset.id)", "name": asset.name, "label": asset.label ?? NSNull(),
            "state": asset.state, "content_type": asset.contentType, "size": asset.bytes.count, "download_count": 0,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "uploader": ["login": "steward-bot", "id": 1],
        ]
    }

    /// One page of a list with GitHub's `Link` header (`per_page` default 30, capped; `page` from 1).
    private func page(_ items: [[String: Any]], request: FakeGitHubRequest) -> FakeGitHubResponse {
        let parameters = request.parameters
        let perPage = min(max(Int(parameters["per_page"] ?? "") ?? 30, 1), min(100, configuration.maxPerPage))
        let current = max(Int(parameters["page"] ?? "") ?? 1, 1)
        let last = max(1, (items.count + perPage - 1) / perPage)
        let slice = Array(items.dropFirst((current - 1) * perPage).prefix(perPage))
        var response = json(200, slice)
        let link = { (page: Int, rel: String) in "<\(self.baseURL)\(request.path)?per_page=\(perPage)&page=\(page)>; rel=\"\(rel)\"" }
        var links: [String] = []
        if current > 1 { links += [link(current - 1, "prev")] }
        if current < last { links += [link(current + 1, "next"), link(last, "last")] }
        if current > 1 { links += [link(1, "first")] }
        if !links.isEmpty { response.headers.append(("Link", links.joined(separator: ", "))) }
        return response
    }

    private func withRateLimit(_ response: FakeGitHubResponse, authenticated: Bool, exhausted: Bool) -> FakeGitHubResponse {
        var response = response
        let limit = authenticated ? 5000 : 60
        let left = exhausted ? 0 : max(0, min(limit, remaining))
        response.headers += [
            ("x-ratelimit-limit", String(limit)), ("x-ratelimit-remaining", String(left)),
            ("x-ratelimit-used", String(limit - min(limit, left))),
            ("x-ratelimit-reset", String(configuration.rateLimitReset)), ("x-ratelimit-resource", "core"),
        ]
        return response
    }

    private func json(_ status: Int, _ value: Any) -> FakeGitHubResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
        return FakeGitHubResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")],
                            body: Array(data))
    }

    private func error(_ status: Int, _ message: String) -> FakeGitHubResponse {
        json(status, ["message": message, "documentation_url": "https://docs.github.com/rest", "status": String(status)])
    }

    private func notFound() -> FakeGitHubResponse {
        json(404, ["message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"])
    }

    private func validationFailed(resource: String, field: String, documentation: String) -> FakeGitHubResponse {
        json(422, ["message": "Validation Failed", "documentation_url": documentation, "status": "422",
                   "errors": [["resource": resource, "code": "already_exists", "field": field]]])
    }
}
