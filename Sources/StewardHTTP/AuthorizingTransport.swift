import Logging

/// Adds `Authorization: Bearer <token>` to every request, and `x-goog-user-project` when the credentials name a
/// quota project (as Google's client libraries do for user credentials). On a 401 it drops the token, fetches a new one and
/// sends the request once more (the server did not act on it).
public struct AuthorizingTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let tokens: any AccessTokenProvider
    public let logger: Logger

    public init(base: any HTTPTransport, tokens: any AccessTokenProvider, logger: Logger) {
        self.base = base
        self.tokens = tokens
        self.logger = logger
    }

    public func send(_ request: APIRequest) async throws -> APIResponse {
        var request = request
        if let project = try await tokens.quotaProject(), !project.isEmpty,
           !request.headers.contains(where: { $0.name.caseInsensitiveCompare(Self.quotaProjectHeader) }) {
            request.headers.append((name: Self.quotaProjectHeader, value: project))
        }
        let token = try await tokens.accessToken()
        let response = try await base.send(Self.authorized(request, token: token))
        guard response.status == 401 else { return response }
        logger.debug("access token refused; refreshing once", metadata: ["http.service": "\(request.service)"])
        await tokens.invalidate(token)
        let fresh = try await tokens.accessToken()
        guard fresh != token else { return response }
        return try await base.send(Self.authorized(request, token: fresh))
    }

    /// The header that names the project billed for a request made with user credentials.
    public static let quotaProjectHeader = "x-goog-user-project"

    static func authorized(_ request: APIRequest, token: String) -> APIRequest {
        var copy = request
        copy.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") }
        copy.headers.append((name: "Authorization", value: "Bearer \(token)"))
        return copy
    }
}
