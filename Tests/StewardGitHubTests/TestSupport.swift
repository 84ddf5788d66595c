import Logging
import StewardFakes
import StewardHTTP
@testable import StewardGitHub

enum TestSupport {
    static let version = "9.9.9-test"
    static let repository = "octo/models"
    static let logger = Logger(label: "steward.github.tests") { _ in SwiftLogNoOpLogHandler() }

    /// A client of the fake, over the real wire.
    static func client(_ fake: FakeGitHub, token: String?, pageSize: Int = 100,
                       now: @escaping @Sendable () -> Double = { 1_700_000_000 }) -> GitHubClient {
        GitHubClient(transport: AsyncHTTPTransport(), endpoint: GitHubEndpoint(apiBaseURL: fake.baseURL),
                     token: token.map(GitHubToken.init), stewardVersion: version, pageSize: pageSize,
                     logger: logger, now: now)
    }

    static func repo(_ name: String = repository) throws -> GitHubRepository {
        try GitHubRepository(name)
    }
}
