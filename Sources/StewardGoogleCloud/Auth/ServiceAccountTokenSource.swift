import Foundation
import StewardHTTP
import StewardRuntime

/// Gets access tokens for a service account: signs a JWT with its key and exchanges it at the token endpoint
/// (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`).
public struct ServiceAccountTokenSource: TokenSource {
    public let key: ServiceAccountKey
    public let scopes: [String]
    let endpoint: TokenEndpoint
    let now: @Sendable () -> Double

    /// - Parameters:
    ///   - tokenURL: overrides the key file's `token_uri` (tests).
    ///   - now: seconds since 1970, for `iat` and `exp`.
    public init(key: ServiceAccountKey, scopes: [String] = [GoogleOAuth.cloudPlatformScope], transport: any HTTPTransport,
                tokenURL: String? = nil, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        var key = key
        if let tokenURL { key.tokenURI = tokenURL }
        self.key = key
        self.scopes = scopes
        endpoint = TokenEndpoint(url: key.tokenURI, transport: transport)
        self.now = now
    }

    public var summary: String { key.description }

    /// The signed assertion for the current time.
    public func assertion() throws -> String {
        do {
            return try ServiceAccountAssertion(key: key, scopes: scopes, issuedAt: Int(now())).signed(with: key.privateKey)
        } catch let error as ServiceAccountKeyError {
            throw RuntimeError(code: HTTPErrorCode.unauthenticated.rawValue, message: error.description, disposition: .stalled)
        }
    }

    public func fetchToken() async throws -> FetchedToken {
        try await endpoint.exchange([("grant_type", GoogleOAuth.jwtBearerGrant), ("assertion", try assertion())], what: summary)
    }
}
