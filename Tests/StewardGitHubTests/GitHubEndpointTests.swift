import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub endpoint")
struct GitHubEndpointTests {
    @Test("the uploads host is derived for the public API and GitHub Enterprise, not for other overrides")
    func uploadsHost() {
        #expect(GitHubEndpoint().uploadsBaseURL == "https://uploads.github.com")
        #expect(GitHubEndpoint(environment: ["GITHUB_API_URL": "https://ghe.example.com/api/v3/"]).uploadsBaseURL
            == "https://ghe.example.com/api/uploads")
        #expect(GitHubEndpoint(apiBaseURL: "http://127.0.0.1:8080").uploadsBaseURL == nil)
        #expect(GitHubEndpoint(environment: ["GITHUB_API_URL": ""]).apiBaseURL == "https://api.github.com")
    }

    @Test("the token may go to the API and its uploads host only", arguments: [
        ("https://api.github.com", "https://api.github.com/repos/o/r/releases", true),
        ("https://api.github.com", "https://uploads.github.com/repos/o/r/releases/1/assets?name=a", true),
        ("https://api.github.com", "https://API.GITHUB.COM:443/repos", true),
        ("https://api.github.com", "https://objects.githubusercontent.com/x", false),
        ("https://api.github.com", "http://api.github.com/repos", false),
        ("https://api.github.com", "https://api.github.com.evil.example/repos", false),
        ("https://api.github.com", "https://user@api.github.com/repos", false),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/uploads/repos/o/r/releases/1/assets", true),
        ("https://ghe.example.com/api/v3", "https://uploads.github.com/repos", false),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/uploads/repos/o/r", true),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8081/repos", false),
    ])
    func authorizes(base: String, url: String, allowed: Bool) {
        #expect(GitHubEndpoint(apiBaseURL: base).authorizes(url) == allowed)
    }

    @Test("repositories must be owner/name", arguments: ["octo", "octo/", "/models", "octo/models/extra", "octo/..",
                                                         "oc to/models", "octo/mödels"])
    func badRepositories(_ name: String) {
        #expect(throws: RuntimeError.self) { _ = try GitHubRepository(name) }
    }

    @Test("a good repository keeps its parts")
    func goodRepository() throws {
        let repository = try GitHubRepository("octo-org/models_v2.git")
        #expect(repository.owner == "octo-org")
        #expect(repository.name == "models_v2.git")
    }
}
