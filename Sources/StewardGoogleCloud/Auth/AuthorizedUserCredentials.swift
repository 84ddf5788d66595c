/// The file `gcloud auth application-default login` writes (`"type": "authorized_user"`).
public struct AuthorizedUserCredentials: Sendable, Decodable {
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    /// The project to bill quota to (`x-goog-user-project`), when the file names one.
    public var quotaProjectID: String?
    public var tokenURI: String?

    public init(clientID: String, clientSecret: String, refreshToken: String, quotaProjectID: String? = nil, tokenURI: String? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.quotaProjectID = quotaProjectID
        self.tokenURI = tokenURI
    }

    private enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientSecret = "client_secret", refreshToken = "refresh_token"
        case quotaProjectID = "quota_project_id", tokenURI = "token_uri"
    }
}

extension AuthorizedUserCredentials: CustomStringConvertible, CustomReflectable {
    /// Never shows the secret or the refresh token.
    public var description: String { "user credentials of client '\(clientID)'" }
    public var customMirror: Mirror { Mirror(self, children: ["clientID": clientID, "quotaProjectID": quotaProjectID as Any]) }
}
