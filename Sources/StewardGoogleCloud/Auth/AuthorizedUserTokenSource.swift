import StewardHTTP

/// Gets access tokens with a user's refresh token (`grant_type=refresh_token`).
public struct AuthorizedUserTokenSource: TokenSource {
    public let credentials: AuthorizedUserCredentials
    let endpoint: TokenEndpoint

    /// - Parameter tokenURL: overrides the file's `token_uri` and Google's endpoint (tests).
    public init(credentials: AuthorizedUserCredentials, transport: any HTTPTransport, tokenURL: String? = nil) {
        self.credentials = credentials
        endpoint = TokenEndpoint(url: tokenURL ?? credentials.tokenURI ?? GoogleOAuth.tokenURL, transport: transport)
    }

    public var summary: String { credentials.description }

    public func fetchToken() async throws -> FetchedToken {
        try await endpoint.exchange([
            ("grant_type", "refresh_token"), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret), ("refresh_token", credentials.refreshToken),
        ], what: summary)
    }
}
