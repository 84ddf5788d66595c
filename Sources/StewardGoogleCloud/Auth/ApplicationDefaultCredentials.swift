import Foundation
import Logging
import StewardHTTP
import StewardRuntime

/// Application Default Credentials: finds Google credentials the way Google's client libraries do, and hands out
/// access tokens from them.
///
/// The order: the key or user file named by `GOOGLE_APPLICATION_CREDENTIALS`; gcloud's well-known file
/// (`$CLOUDSDK_CONFIG/application_default_credentials.json`, by default under `~/.config/gcloud/`); the metadata
/// server (`GCE_METADATA_HOST` or `metadata.google.internal`), after a short probe. The search runs once, on the
/// first token request; tokens are cached and refreshed 5 minutes before they expire.
public actor ApplicationDefaultCredentials: AccessTokenProvider {
    /// Where the credentials came from.
    public enum Origin: Sendable, Equatable {
        /// The file named by `GOOGLE_APPLICATION_CREDENTIALS`.
        case environmentFile(path: String)
        /// gcloud's application-default file.
        case wellKnownFile(path: String)
        /// The metadata server.
        case metadataServer(host: String)
    }

    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let scopes: [String]
    private let now: @Sendable () -> Double
    private let metadataProbeTimeout: Double
    private let logger: Logger
    private var provider: CachingTokenProvider?
    private var origin: Origin?
    /// The `quota_project_id` of the credentials file, once found.
    private var fileQuotaProject: String?

    /// - Parameters:
    ///   - environment: the process environment (or a test's).
    ///   - transport: the wire to the token endpoint and the metadata server; token requests are retried over it
    ///     with `retryPolicy`, the metadata probe is not.
    ///   - now: seconds since 1970, for JWT claims and token expiry.
    public init(environment: [String: String], transport: any HTTPTransport, scopes: [String] = [GoogleOAuth.cloudPlatformScope],
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }, metadataProbeTimeout: Double = 3,
                retryPolicy: RetryPolicy = RetryPolicy(maximumAttempts: 3), retryTiming: RetryTiming = .system,
                logger: Logger) {
        self.environment = environment
        self.transport = RetryingTransport(base: transport, policy: retryPolicy, timing: retryTiming, logger: logger)
        self.scopes = scopes
        self.now = now
        self.metadataProbeTimeout = metadataProbeTimeout
        self.logger = logger
    }

    public func accessToken() async throws -> String {
        try await resolvedProvider().accessToken()
    }

    public func invalidate(_ token: String) async {
        await provider?.invalidate(token)
    }

    /// `GOOGLE_CLOUD_QUOTA_PROJECT`, else the credentials file's `quota_project_id` (as Google's client libraries
    /// choose it), else nil.
    public func quotaProject() async throws -> String? {
        if let project = environment["GOOGLE_CLOUD_QUOTA_PROJECT"], !project.isEmpty { return project }
        _ = try await resolvedProvider()
        return fileQuotaProject
    }

    /// Finds the credentials (once) and says where they came from.
    public func resolve() async throws -> Origin {
        _ = try await resolvedProvider()
        // Set together with the provider.
        return origin!
    }

    private func resolvedProvider() async throws -> CachingTokenProvider {
        if let provider { return provider }
        let (source, found) = try await findSource()
        // Another caller may have finished the search while this one awaited.
        if let provider { return provider }
        let made = CachingTokenProvider(source: source, now: now, logger: logger)
        provider = made
        origin = found
        logger.debug("google credentials found", metadata: ["auth.source": "\(source.summary)", "auth.origin": "\(found)"])
        return made
    }

    private func findSource() async throws -> (any TokenSource, Origin) {
        if let path = environment["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw RuntimeError(code: HTTPErrorCode.unauthenticated.rawValue,
                                   message: "GOOGLE_APPLICATION_CREDENTIALS names '\(path)', which does not exist; point it at a service-account key file",
                                   disposition: .stalled)
            }
            return (try loadFile(path), .environmentFile(path: path))
        }
        if let path = wellKnownFilePath(), FileManager.default.fileExists(atPath: path) {
            return (try loadFile(path), .wellKnownFile(path: path))
        }
        let metadata = MetadataServerTokenSource(host: metadataHost, transport: transport, probeTimeout: metadataProbeTimeout)
        if !Self.isTrue(environment["NO_GCE_CHECK"]), await metadata.probe() {
            return (metadata, .metadataServer(host: metadata.host))
        }
        throw Self.noCredentials
    }

    /// The error when no credentials are found: it names the three ways to provide them.
    public static let noCredentials = RuntimeError(
        code: HTTPErrorCode.unauthenticated.rawValue,
        message: "no Google credentials found; set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, "
            + "run 'gcloud auth application-default login', or run on Google Cloud with a service account attached",
        disposition: .stalled)

    private var metadataHost: String {
        if let host = environment["GCE_METADATA_HOST"], !host.isEmpty { return host }
        if let host = environment["GCE_METADATA_ROOT"], !host.isEmpty { return host }
        return GoogleOAuth.metadataHost
    }

    private func wellKnownFilePath() -> String? {
        if let config = environment["CLOUDSDK_CONFIG"], !config.isEmpty {
            return config + "/application_default_credentials.json"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/gcloud/application_default_credentials.json"
    }

    private func loadFile(_ path: String) throws -> any TokenSource {
        func unusable(_ why: String) -> RuntimeError {
            RuntimeError(code: HTTPErrorCode.unauthenticated.rawValue, message: "credentials file '\(path)' \(why)", disposition: .stalled)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw unusable("cannot be read") }
        struct Kind: Decodable { var type: String? }
        guard let kind = try? JSONDecoder().decode(Kind.self, from: data) else { throw unusable("is not JSON") }
        switch kind.type {
        case "service_account":
            // The decoding error may quote the file; say only which field is wrong.
            do {
                let key = try JSONDecoder().decode(ServiceAccountKey.self, from: data)
                return ServiceAccountTokenSource(key: key, scopes: scopes, transport: transport, now: now)
            } catch {
                throw unusable("is not a complete service-account key (\(Self.missingField(error)))")
            }
        case "authorized_user":
            do {
                let credentials = try JSONDecoder().decode(AuthorizedUserCredentials.self, from: data)
                fileQuotaProject = credentials.quotaProjectID
                return AuthorizedUserTokenSource(credentials: credentials, transport: transport)
            } catch {
                throw unusable("is not complete user credentials (\(Self.missingField(error)))")
            }
        case let other:
            throw unusable("has credentials of type '\(other ?? "none")', which Steward does not support; "
                + "use a service-account key or 'gcloud auth application-default login'")
        }
    }

    private static func missingField(_ error: any Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "no '\(key.stringValue)'" }
        if case DecodingError.typeMismatch(_, let context) = error { return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type" }
        return "unreadable fields"
    }

    private static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return value == "1" || value == "true" || value == "yes"
    }
}
