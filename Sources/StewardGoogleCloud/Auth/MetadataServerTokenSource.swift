import Foundation
import StewardHTTP
import StewardRuntime

/// Gets the attached service account's access tokens from the metadata server of Compute Engine, Cloud Run,
/// GKE and the other Google Cloud runtimes.
public struct MetadataServerTokenSource: TokenSource {
    /// `host[:port]`, from `GCE_METADATA_HOST` or `metadata.google.internal`.
    public let host: String
    public let scopes: [String]?
    let transport: any HTTPTransport
    /// Seconds to wait for the probe (google-auth waits 3 s).
    public let probeTimeout: Double

    public init(host: String = GoogleOAuth.metadataHost, scopes: [String]? = nil, transport: any HTTPTransport,
                probeTimeout: Double = 3) {
        self.host = host
        self.scopes = scopes
        self.transport = transport
        self.probeTimeout = probeTimeout
    }

    public var summary: String { "the metadata server at '\(host)'" }

    private var base: String { host.contains("://") ? host : "http://" + host }

    /// Whether a metadata server answers: a 200 carrying `Metadata-Flavor: Google`, within the probe timeout.
    public func probe() async -> Bool {
        // Tried once, never retried: off Google Cloud the failure is the answer, and it must come quickly.
        let request = APIRequest(method: "GET", url: base + "/computeMetadata/v1/",
                                 headers: [(name: "Metadata-Flavor", value: "Google")], idempotent: false,
                                 service: "metadata", timeout: probeTimeout)
        guard let response = try? await transport.send(request) else { return false }
        return response.isSuccess && response.header("Metadata-Flavor") == "Google"
    }

    private struct Response: Decodable {
        var access_token: String
        var expires_in: Double?
    }

    public func fetchToken() async throws -> FetchedToken {
        var url = base + "/computeMetadata/v1/instance/service-accounts/default/token"
        if let scopes, !scopes.isEmpty { url += "?" + URLEncoding.query([("scopes", scopes.joined(separator: ","))]) }
        let request = APIRequest(method: "GET", url: url, headers: [(name: "Metadata-Flavor", value: "Google")],
                                 service: "metadata", timeout: 10)
        let response: APIResponse
        do {
            response = try await transport.call(request)
        } catch let error as RuntimeError {
            throw RuntimeError(code: error.code, message: "could not get an access token from \(summary): \(error.message)",
                               disposition: error.disposition, retryAfter: error.retryAfter)
        }
        guard let decoded = try? JSONDecoder().decode(Response.self, from: Data(response.body)), !decoded.access_token.isEmpty else {
            throw RuntimeError(code: HTTPErrorCode.unauthenticated.rawValue,
                               message: "\(summary) answered without an access token", disposition: .retry)
        }
        return FetchedToken(value: decoded.access_token, expiresIn: decoded.expires_in ?? 3600)
    }
}
