/// Where the GitHub REST API lives, and which hosts may see the token.
///
/// The token is always sent to the API base URL, including an override through `GITHUB_API_URL` (GitHub Actions and
/// GitHub Enterprise set it to the real API), and to the uploads host that belongs to that API. It is never sent to
/// any other host, whatever a response names.
public struct GitHubEndpoint: Sendable, Hashable {
    /// The public API.
    public static let publicAPI = "https://api.github.com"

    /// The API base URL without a trailing slash, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`.
    public let apiBaseURL: String

    /// An endpoint at a base URL; trailing slashes are dropped.
    public init(apiBaseURL: String = GitHubEndpoint.publicAPI) {
        var base = apiBaseURL.trimmingWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base.isEmpty ? Self.publicAPI : base
    }

    /// `GITHUB_API_URL` when set and not empty, else the public API.
    public init(environment: [String: String]) {
        self.init(apiBaseURL: environment["GITHUB_API_URL"] ?? Self.publicAPI)
    }

    /// The uploads base URL when it can be derived: `https://uploads.github.com` for the public API,
    /// `https://HOST/api/uploads` for GitHub Enterprise at `https://HOST/api/v3`; nil for other overrides, which
    /// must rely on the release's `upload_url` (the contract anyway).
    public var uploadsBaseURL: String? {
        if apiBaseURL == Self.publicAPI { return "https://uploads.github.com" }
        if apiBaseURL.hasSuffix("/api/v3") { return String(apiBaseURL.dropLast("/v3".count)) + "/uploads" }
        return nil
    }

    /// Whether a URL is on the API's origin or its uploads origin, so the token may go there.
    public func authorizes(_ url: String) -> Bool {
        guard let origin = Self.origin(of: url) else { return false }
        if origin == Self.origin(of: apiBaseURL) { return true }
        if let uploads = uploadsBaseURL, origin == Self.origin(of: uploads) { return true }
        return false
    }

    /// `scheme://host[:port]`, lowercased, with the scheme's default port dropped; nil when the URL has no authority.
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var hostPort = authority.lowercased()
        if scheme == "https", hostPort.hasSuffix(":443") { hostPort.removeLast(4) }
        if scheme == "http", hostPort.hasSuffix(":80") { hostPort.removeLast(3) }
        return "\(scheme)://\(hostPort)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
