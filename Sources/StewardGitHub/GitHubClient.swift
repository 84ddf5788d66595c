import Foundation
import Logging
import StewardHTTP
import StewardRuntime

/// A client of the GitHub REST API (version 2022-11-28) for releases and their assets, over an `HTTPTransport`.
///
/// Every request carries `Accept: application/vnd.github+json`, `X-GitHub-Api-Version`, `User-Agent:
/// steward/<version>`, and `Authorization: Bearer <token>` when a token is present and the URL is on the API's
/// own hosts (see `GitHubEndpoint.authorizes(_:)`). Creates and uploads are never retried blindly: a 422 that
/// says the thing exists is answered by re-reading and adopting it.
public struct GitHubClient: Sendable {
    /// The REST API version sent in `X-GitHub-Api-Version`.
    public static let apiVersion = "2022-11-28"
    /// The service name on requests, for logs and metrics.
    static let service = "github"
    /// More pages than this is a loop or a misbehaving server, not a repository.
    static let maximumPages = 1000

    /// Where the API is.
    public let endpoint: GitHubEndpoint
    let transport: any HTTPTransport
    let token: GitHubToken?
    let userAgent: String
    let pageSize: Int
    let logger: Logger
    let now: @Sendable () -> Double
    private let rateLimits = GitHubRateLimitRecorder()

    /// Makes a client.
    /// - Parameters:
    ///   - transport: the wire, possibly wrapped in retries.
    ///   - endpoint: the API base URL (`GitHubEndpoint(environment:)` reads `GITHUB_API_URL`).
    ///   - token: sent as `Authorization: Bearer …`; nil for public reads only.
    ///   - stewardVersion: goes into `User-Agent: steward/<version>`, which GitHub requires.
    ///   - pageSize: `per_page` on list calls (at most 100).
    ///   - logger: debug-level request logs; never headers or bodies.
    ///   - now: seconds since 1970 UTC, to turn `x-ratelimit-reset` into a wait.
    public init(transport: any HTTPTransport, endpoint: GitHubEndpoint = GitHubEndpoint(), token: GitHubToken?,
                stewardVersion: String, pageSize: Int = 100, logger: Logger,
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.transport = transport
        self.endpoint = endpoint
        self.token = token
        self.userAgent = "steward/\(stewardVersion)"
        self.pageSize = min(max(pageSize, 1), 100)
        self.logger = logger
        self.now = now
    }

    /// A client configured from the environment: `GITHUB_API_URL`, `GITHUB_TOKEN` or `GITHUB_TOKEN_FILE`.
    public static func fromEnvironment(_ environment: [String: String], transport: any HTTPTransport,
                                       stewardVersion: String, logger: Logger) throws -> GitHubClient {
        GitHubClient(transport: transport, endpoint: GitHubEndpoint(environment: environment),
                     token: try GitHubToken.resolve(environment: environment), stewardVersion: stewardVersion,
                     logger: logger)
    }

    /// Whether a token is configured (writes need one).
    public var hasToken: Bool { token != nil }

    /// The rate limit the most recent response reported, if any did.
    public func latestRateLimit() async -> GitHubRateLimit? {
        await rateLimits.latest
    }

    // MARK: - Requests

    /// `https://api…/repos/{owner}/{repo}` plus a path.
    func repositoryURL(_ repository: GitHubRepository, _ path: String) -> String {
        "\(endpoint.apiBaseURL)/repos/\(URLEncoding.component(repository.owner))/"
            + "\(URLEncoding.component(repository.name))\(path)"
    }

    /// Sends one request with GitHub's headers and records the rate limit; the caller judges the status.
    func send(_ method: String, url: String, body: [UInt8]? = nil, contentType: String? = nil,
              operation: String) async throws -> APIResponse {
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", Self.apiVersion),
            ("User-Agent", userAgent),
        ]
        if let token, endpoint.authorizes(url) {
            headers.append(("Authorization", "Bearer \(token.value)"))
        }
        if let contentType { headers.append(("Content-Type", contentType)) }
        let request = APIRequest(method: method, url: url, headers: headers, body: body, service: Self.service,
                                 timeout: body.map { $0.count > 1 << 20 ? 600 : 60 } ?? 60)
        let response = try await transport.send(request)
        var metadata: Logger.Metadata = [
            "github.operation": "\(operation)", "http.method": "\(method)", "http.status": "\(response.status)",
        ]
        if let snapshot = GitHubRateLimit(header: response.header) {
            await rateLimits.record(snapshot)
            metadata["github.ratelimit.remaining"] = "\(snapshot.remaining)"
        }
        logger.debug("github request", metadata: metadata)
        return response
    }

    /// The error for a failed response.
    func failure(_ response: APIResponse, operation: String) -> RuntimeError {
        GitHubErrorMapper.error(for: response, operation: operation, now: now())
    }

    /// Decodes a JSON body.
    func decode<Value: Decodable>(_ type: Value.Type, from response: APIResponse, operation: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw RuntimeError(code: "invalid_response",
                               message: "\(operation): GitHub's \(response.status) response could not be read: \(error)")
        }
    }

    /// Every item of a paginated list, following `Link: <…>; rel="next"` until there is none.
    func paginate<Item: Decodable>(_ type: Item.Type, firstURL: String, operation: String) async throws -> [Item] {
        var items: [Item] = []
        var next: String? = firstURL
        var visited: Set<String> = []
        while let url = next {
            guard visited.insert(url).inserted, visited.count <= Self.maximumPages else {
                throw RuntimeError(code: "invalid_response",
                                   message: "\(operation): GitHub's 'Link' pagination does not end")
            }
            let response = try await send("GET", url: url, operation: operation)
            guard response.status == 200 else { throw failure(response, operation: operation) }
            items += try decode([Item].self, from: response, operation: operation)
            next = LinkHeader(response.header("link")).next
        }
        return items
    }

    /// Fails before any request when a write has no token to send.
    func requireToken(for operation: String) throws {
        guard token == nil else { return }
        throw RuntimeError(code: "unauthenticated",
                           message: "\(operation) needs a GitHub token; set GITHUB_TOKEN, or GITHUB_TOKEN_FILE to a file "
                               + "holding the token (with 'contents: write' on the repository)",
                           disposition: .stalled)
    }
}
