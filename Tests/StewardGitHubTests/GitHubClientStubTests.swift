import StewardHTTP
import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub client without a server")
struct GitHubClientStubTests {
    @Test("the token is not sent to a next page on another host")
    func tokenStaysHome() async throws {
        let first = "https://api.github.com/repos/octo/models/releases?per_page=100"
        let foreign = "https://elsewhere.example/page2"
        let transport = StubTransport([
            first: APIResponse(status: 200, headers: [("Link", "<\(foreign)>; rel=\"next\"")], body: Array("[]".utf8)),
            foreign: APIResponse(status: 200, body: Array("[]".utf8)),
        ])
        let client = GitHubClient(transport: transport, token: GitHubToken("ghp_secret"),
                                  stewardVersion: TestSupport.version, logger: TestSupport.logger)
        _ = try await client.listReleases(try GitHubRepository("octo/models"))
        let sent = await transport.sent
        #expect(sent.map(\.url) == [first, foreign])
        #expect(sent[0].header("Authorization") == "Bearer ghp_secret")
        #expect(sent[1].header("Authorization") == nil)
        #expect(sent.allSatisfy { $0.service == "github" })
    }

    @Test("a Link loop is an error, not a hang")
    func linkLoop() async throws {
        let first = "https://api.github.com/repos/octo/models/releases?per_page=100"
        let transport = StubTransport([
            first: APIResponse(status: 200, headers: [("Link", "<\(first)>; rel=\"next\"")], body: Array("[]".utf8)),
        ])
        let client = GitHubClient(transport: transport, token: nil, stewardVersion: "1", logger: TestSupport.logger)
        let error = try await #require(throws: RuntimeError.self) {
            _ = try await client.listReleases(try GitHubRepository("octo/models"))
        }
        #expect(error.code == "invalid_response")
        #expect(await transport.sent.count == 1)
    }

    @Test("creates and uploads are marked not idempotent, reads are")
    func idempotency() async throws {
        let upload = "https://uploads.github.com/repos/octo/models/releases/7/assets?name=a"
        let transport = StubTransport([
            "https://api.github.com/repos/octo/models/releases": APIResponse(
                status: 201, body: Array(#"{"id":7,"tag_name":"v1","draft":false,"prerelease":false}"#.utf8)),
            upload: APIResponse(status: 201, body: Array(#"{"id":9,"name":"a","state":"uploaded"}"#.utf8)),
        ])
        let client = GitHubClient(transport: transport, token: GitHubToken("t"), stewardVersion: "1",
                                  logger: TestSupport.logger)
        let repository = try GitHubRepository("octo/models")
        let release = try await client.createRelease(repository, GitHubReleaseRequest(tagName: "v1")).value
        // No upload_url in the response: the public API's uploads host is derived.
        _ = try await client.uploadAsset(repository, release: release, name: "a", contentType: "text/plain", bytes: [1])
        let sent = await transport.sent
        #expect(sent.map(\.url) == ["https://api.github.com/repos/octo/models/releases", upload])
        #expect(sent.allSatisfy { !$0.idempotent })
        #expect(sent[1].header("Content-Type") == "text/plain")
        #expect(sent[1].header("Authorization") == "Bearer t")
    }

    @Test("an upload_url on a foreign host is refused before the token is sent")
    func foreignUploadURL() async throws {
        let transport = StubTransport([:])
        let client = GitHubClient(transport: transport, token: GitHubToken("t"), stewardVersion: "1",
                                  logger: TestSupport.logger)
        let release = GitHubRelease(id: 1, tagName: "v1", uploadURL: "https://evil.example/assets{?name,label}")
        let error = try await #require(throws: RuntimeError.self) {
            _ = try await client.uploadAsset(try GitHubRepository("o/r"), release: release, name: "a",
                                             contentType: "text/plain", bytes: [1])
        }
        #expect(error.code == "invalid")
        #expect(await transport.sent.isEmpty)
    }
}
