/// Where the Cloud Storage JSON API is: Google's, or an emulator named by `STORAGE_EMULATOR_HOST`.
public struct StorageEndpoint: Sendable, Equatable {
    /// The scheme and host, without a trailing slash and without `/storage/v1`.
    public var baseURL: String
    /// Whether this is an override (an emulator): no Google credentials are sent to it.
    public var isEmulator: Bool

    public init(baseURL: String, isEmulator: Bool) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.isEmulator = isEmulator
    }

    /// Google's endpoint.
    public static let google = StorageEndpoint(baseURL: "https://storage.googleapis.com", isEmulator: false)

    /// `STORAGE_EMULATOR_HOST` when set (`host:port` means `http://host:port`; a scheme is kept), else Google's.
    public init(environment: [String: String]) {
        guard let host = environment["STORAGE_EMULATOR_HOST"]?.trimmingWhitespace, !host.isEmpty else {
            self = .google
            return
        }
        self.init(baseURL: host.contains("://") ? host : "http://" + host, isEmulator: true)
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
