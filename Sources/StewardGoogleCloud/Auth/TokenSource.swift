/// One way of getting a new access token: a service-account key, a user's refresh token, the metadata server.
public protocol TokenSource: Sendable {
    /// What kind of credentials these are, for logs and messages (`service account 'a@p.iam…'`).
    var summary: String { get }
    /// Asks for a new token.
    func fetchToken() async throws -> FetchedToken
}
