import Foundation

/// A service-account key file (`"type": "service_account"`), as the Cloud console downloads it.
public struct ServiceAccountKey: Sendable, Decodable {
    public var clientEmail: String
    /// PEM, PKCS#8 (`-----BEGIN PRIVATE KEY-----`) or PKCS#1.
    public var privateKey: String
    public var privateKeyID: String?
    public var projectID: String?
    /// Where to exchange the signed assertion; Google's endpoint when the file names none.
    public var tokenURI: String

    public init(clientEmail: String, privateKey: String, privateKeyID: String? = nil, projectID: String? = nil,
                tokenURI: String = GoogleOAuth.tokenURL) {
        self.clientEmail = clientEmail
        self.privateKey = privateKey
        self.privateKeyID = privateKeyID
        self.projectID = projectID
        self.tokenURI = tokenURI
    }

    private enum CodingKeys: String, CodingKey {
        case clientEmail = "client_email", privateKey = "private_key", privateKeyID = "private_key_id"
        case projectID = "project_id", tokenURI = "token_uri"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientEmail = try container.decode(String.self, forKey: .clientEmail)
        privateKey = try container.decode(String.self, forKey: .privateKey)
        privateKeyID = try container.decodeIfPresent(String.self, forKey: .privateKeyID)
        projectID = try container.decodeIfPresent(String.self, forKey: .projectID)
        tokenURI = try container.decodeIfPresent(String.self, forKey: .tokenURI) ?? GoogleOAuth.tokenURL
    }
}

extension ServiceAccountKey: CustomStringConvertible, CustomReflectable {
    /// Names the account, never the key.
    public var description: String { "service account '\(clientEmail)'" }
    public var customMirror: Mirror { Mirror(self, children: ["clientEmail": clientEmail, "tokenURI": tokenURI]) }
}
