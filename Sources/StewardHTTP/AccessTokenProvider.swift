/// Something that hands out OAuth 2.0 access tokens, fresh enough to use now.
public protocol AccessTokenProvider: Sendable {
    /// A valid access token (cached or newly fetched).
    func accessToken() async throws -> String
    /// Forgets `token` after a server refused it (HTTP 401), so that the next call fetches a new one.
    func invalidate(_ token: String) async
    /// The project billed for requests made with these credentials, sent as `x-goog-user-project`: user
    /// credentials need one (Vertex AI refuses them without it); nil for credentials that bill their own project.
    func quotaProject() async throws -> String?
}

extension AccessTokenProvider {
    /// Providers without a cache have nothing to forget.
    public func invalidate(_ token: String) async {}
    /// Most credentials bill their own project.
    public func quotaProject() async throws -> String? { nil }
}
