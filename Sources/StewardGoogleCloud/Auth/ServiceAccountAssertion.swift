import Foundation
import _CryptoExtras

/// The signed JWT a service account exchanges for an access token (RFC 7523): RS256 (RSASSA-PKCS1-v1_5 with
/// SHA-256) over `base64url(header).base64url(claims)`.
public struct ServiceAccountAssertion: Sendable {
    public var issuer: String
    /// Space-separated scopes.
    public var scope: String
    /// The token endpoint.
    public var audience: String
    /// Seconds since 1970.
    public var issuedAt: Int
    public var expiresAt: Int
    public var keyID: String?

    /// Google accepts assertions valid for at most an hour.
    public static let lifetime = 3600

    public init(key: ServiceAccountKey, scopes: [String], issuedAt: Int) {
        issuer = key.clientEmail
        scope = scopes.joined(separator: " ")
        audience = key.tokenURI
        self.issuedAt = issuedAt
        expiresAt = issuedAt + Self.lifetime
        keyID = key.privateKeyID
    }

    /// `header.claims.signature`, signed with the PEM private key.
    public func signed(with privateKeyPEM: String) throws -> String {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            // The error from the PEM parser is safe, but say plainly what failed and never quote the key.
            throw ServiceAccountKeyError.unreadablePrivateKey(account: issuer)
        }
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let claims: [String: Any] = ["iss": issuer, "scope": scope, "aud": audience, "iat": issuedAt, "exp": expiresAt]
        let signingInput = try Self.segment(header) + "." + Self.segment(claims)
        let signature = try key.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }

    private static func segment(_ object: Any) throws -> String {
        Base64URL.encode(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}

/// A service-account key that cannot be used.
public enum ServiceAccountKeyError: Error, Sendable, CustomStringConvertible {
    case unreadablePrivateKey(account: String)

    public var description: String {
        switch self {
        case .unreadablePrivateKey(let account):
            "the private key of service account '\(account)' is not an RSA key in PEM form; download a new JSON key"
        }
    }
}
