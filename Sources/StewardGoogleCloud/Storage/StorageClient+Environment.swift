import Logging
import StewardHTTP

extension StorageClient {
    /// A client for the endpoint the environment names, with the transport that endpoint needs: retries always;
    /// Application Default Credentials against Google's endpoint; nothing else against an emulator
    /// (`STORAGE_EMULATOR_HOST`), so no credentials leave the machine and the metadata server is never probed.
    ///
    /// - Parameters:
    ///   - credentials: shared credentials; ADC from `environment` when nil.
    ///   - wire: the HTTP client (tests may pass their own).
    public static func configured(environment: [String: String], credentials: (any AccessTokenProvider)? = nil,
                                  wire: any HTTPTransport = AsyncHTTPTransport(), retryPolicy: RetryPolicy = .standard,
                                  logger: Logger) -> StorageClient {
        let endpoint = StorageEndpoint(environment: environment)
        return StorageClient(baseURL: endpoint.baseURL,
                             transport: transport(for: endpoint, environment: environment, credentials: credentials,
                                                  wire: wire, retryPolicy: retryPolicy, logger: logger),
                             logger: logger)
    }

    /// The layered transport for `endpoint`: `RetryingTransport(AuthorizingTransport(wire))`, or without the
    /// authorization for an emulator.
    public static func transport(for endpoint: StorageEndpoint, environment: [String: String],
                                 credentials: (any AccessTokenProvider)? = nil, wire: any HTTPTransport = AsyncHTTPTransport(),
                                 retryPolicy: RetryPolicy = .standard, logger: Logger) -> any HTTPTransport {
        if endpoint.isEmulator {
            return RetryingTransport(base: wire, policy: retryPolicy, logger: logger)
        }
        let tokens = credentials ?? ApplicationDefaultCredentials(environment: environment, transport: wire, logger: logger)
        return RetryingTransport(base: AuthorizingTransport(base: wire, tokens: tokens, logger: logger), policy: retryPolicy, logger: logger)
    }
}
