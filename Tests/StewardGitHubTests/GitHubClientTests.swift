import Foundation
import StewardFakes
import StewardHTTP
import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub client against the fake")
struct GitHubClientTests {
    @Test("listing follows Link rel=next over several pages and returns every release once")
    func pagination() async throws {
        var configuration = FakeGitHub.Configuration()
        configuration.maxPerPage = 2
        try await FakeGitHub.run(configuration) { fake async throws in
            for index in 1...5 { await fake.seed(tag: "v\(index)") }
            let client = TestSupport.client(fake, token: fake.token)
            let releases = try await client.listReleases(try TestSupport.repo())
            #expect(releases.map(\.tagName).sorted() == ["v1", "v2", "v3", "v4", "v5"])
            #expect(Set(releases.map(\.id)).count == 5)
            let lists = await fake.requests.filter { $0.method == "GET" && $0.path == "/repos/octo/models/releases" }
            // 5 releases, 2 per page: pages 1, 2, 3.
            #expect(lists.count == 3)
            #expect(lists.map { $0.parameters["page"] } == [nil, "2", "3"])
            #expect(lists.first?.parameters["per_page"] == "100")
        }
    }

    @Test("the client's page size goes into per_page")
    func pageSize() async throws {
        try await FakeGitHub.run { fake async throws in
            for index in 1...3 { await fake.seed(tag: "v\(index)") }
            let client = TestSupport.client(fake, token: fake.token, pageSize: 1)
            #expect(try await client.listReleases(try TestSupport.repo()).count == 3)
            let lists = await fake.requests.filter { $0.path == "/repos/octo/models/releases" }
            #expect(lists.count == 3)
            #expect(lists.allSatisfy { $0.parameters["per_page"] == "1" })
        }
    }

    @Test("get by tag finds a published release; a draft is found through the list; an unknown tag is nil")
    func releaseByTag() async throws {
        try await FakeGitHub.run { fake async throws in
            let publishedID = await fake.seed(tag: "v1")
            let draftID = await fake.seed(tag: "v2-draft", draft: true)
            let client = TestSupport.client(fake, token: fake.token)
            let repository = try TestSupport.repo()

            #expect(try await client.publishedRelease(repository, tag: "v1")?.id == publishedID)
            #expect(try await client.publishedRelease(repository, tag: "v2-draft") == nil)

            let draft = try #require(try await client.release(repository, tag: "v2-draft"))
            #expect(draft.id == draftID)
            #expect(draft.draft)
            #expect(try await client.release(repository, tag: "v3") == nil)

            let byTag = await fake.requests.filter { $0.path.hasPrefix("/repos/octo/models/releases/tags/") }
            #expect(byTag.map(\.path) == ["/repos/octo/models/releases/tags/v1",
                                          "/repos/octo/models/releases/tags/v2-draft",
                                          "/repos/octo/models/releases/tags/v2-draft",
                                          "/repos/octo/models/releases/tags/v3"])
        }
    }

    @Test("a tag with slashes is sent as a multi-segment path and found")
    func slashTag() async throws {
        try await FakeGitHub.run { fake async throws in
            let id = await fake.seed(tag: "models/cifar10/v1")
            let client = TestSupport.client(fake, token: fake.token)
            #expect(try await client.publishedRelease(try TestSupport.repo(), tag: "models/cifar10/v1")?.id == id)
        }
    }

    @Test("without a token drafts are invisible, as GitHub shows them only with push access")
    func anonymousList() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.seed(tag: "v1")
            await fake.seed(tag: "v2", draft: true)
            let client = TestSupport.client(fake, token: nil)
            #expect(try await client.listReleases(try TestSupport.repo()).map(\.tagName) == ["v1"])
            #expect(await fake.requests.allSatisfy { $0.header("authorization") == nil })
        }
    }

    @Test("create sends the contract's fields, and a second create of the tag adopts the first release")
    func createThenAdopt() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            let repository = try TestSupport.repo()
            let request = GitHubReleaseRequest(tagName: "model-v1", targetCommitish: "0123456789abcdef0123456789abcdef01234567",
                                               name: "Model v1", body: "accuracy 0.91", draft: false, prerelease: true)
            let first = try await client.createRelease(repository, request)
            #expect(first.outcome == .created)
            #expect(first.value.tagName == "model-v1")
            #expect(first.value.targetCommitish == "0123456789abcdef0123456789abcdef01234567")
            #expect(first.value.prerelease)

            let second = try await client.createRelease(repository, request)
            #expect(second.outcome == .adopted)
            #expect(second.value.id == first.value.id)

            let stored = await fake.releases(in: "octo/models")
            #expect(stored.count == 1)
            #expect(stored.first?.name == "Model v1")
            #expect(stored.first?.body == "accuracy 0.91")
            // The second create got GitHub's 422 already_exists and was answered by a read, not a retry.
            let creates = await fake.requests.filter { $0.method == "POST" }
            #expect(creates.count == 2)
            #expect(creates.allSatisfy { $0.header("content-type") == "application/json" })
        }
    }

    @Test("the fake refuses a create body the contract refuses")
    func schemaChecked() async throws {
        try await FakeGitHub.run { fake async throws in
            let transport = AsyncHTTPTransport()
            func post(_ body: String) async throws -> APIResponse {
                try await transport.send(APIRequest(
                    method: "POST", url: "\(fake.baseURL)/repos/octo/models/releases",
                    headers: [("User-Agent", "steward-test"), ("Authorization", "Bearer \(fake.token)"),
                              ("Content-Type", "application/json")],
                    body: Array(body.utf8), service: "github"))
            }
            let unknown = try await post(#"{"tag_name":"v1","colour":"blue"}"#)
            #expect(unknown.status == 422)
            #expect(String(decoding: unknown.body, as: UTF8.self).contains(#"\"colour\" is not a permitted key"#))
            let missing = try await post(#"{"name":"no tag"}"#)
            #expect(missing.status == 422)
            #expect(String(decoding: missing.body, as: UTF8.self).contains(#"\"tag_name\" wasn't supplied"#))
            let wrongType = try await post(#"{"tag_name":"v1","draft":"yes"}"#)
            #expect(wrongType.status == 422)
            let badEnum = try await post(#"{"tag_name":"v1","make_latest":"sometimes"}"#)
            #expect(badEnum.status == 422)
            #expect(await fake.releases(in: "octo/models").isEmpty)
            #expect(try await post(#"{"tag_name":"v1","make_latest":"false"}"#).status == 201)
        }
    }

    @Test("a create in an unknown repository is a stalled not_found naming the operation")
    func createRefusedMapped() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await client.createRelease(try GitHubRepository("octo/unknown"),
                                                   GitHubReleaseRequest(tagName: "v1"))
            }
            #expect(error.code == "not_found")
            #expect(error.disposition == .stalled)
            #expect(error.message.contains("create release 'v1' in 'octo/unknown'"))
        }
    }

    @Test("upload sends the bytes intact with their content type to the uploads path, and a second upload adopts")
    func uploadThenAdopt() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            let repository = try TestSupport.repo()
            let release = try await client.createRelease(repository, GitHubReleaseRequest(tagName: "v1")).value
            let bytes: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

            let first = try await client.uploadAsset(repository, release: release, name: "saved_model.tar.gz",
                                                     contentType: "application/gzip", bytes: bytes)
            #expect(first.outcome == .created)
            #expect(first.value.name == "saved_model.tar.gz")
            #expect(first.value.size == bytes.count)

            let second = try await client.uploadAsset(repository, release: release, name: "saved_model.tar.gz",
                                                      contentType: "application/gzip", bytes: bytes)
            #expect(second.outcome == .adopted)
            #expect(second.value.id == first.value.id)

            let stored = try #require(await fake.releases(in: "octo/models").first)
            #expect(stored.assets.count == 1)
            #expect(stored.assets.first?.bytes == bytes)
            #expect(stored.assets.first?.contentType == "application/gzip")
            let uploads = await fake.requests.filter { $0.method == "POST" && $0.path.hasPrefix("/uploads/") }
            #expect(uploads.map(\.path) == Array(repeating: "/uploads/repos/octo/models/releases/\(release.id)/assets",
                                                 count: 2))
            #expect(uploads.allSatisfy { $0.parameters["name"] == "saved_model.tar.gz" })
            #expect(uploads.allSatisfy { $0.header("authorization") == "Bearer \(fake.token)" })
        }
    }

    @Test("an asset name with a space is percent-encoded in the query")
    func uploadEncodesName() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            let repository = try TestSupport.repo()
            let release = try await client.createRelease(repository, GitHubReleaseRequest(tagName: "v1")).value
            _ = try await client.uploadAsset(repository, release: release, name: "model card.md",
                                             contentType: "text/markdown", bytes: Array("# card".utf8))
            let upload = try #require(await fake.requests.last)
            #expect(upload.query == "name=model%20card.md")
        }
    }

    @Test("assets are listed over pages")
    func listAssets() async throws {
        var configuration = FakeGitHub.Configuration()
        configuration.maxPerPage = 2
        try await FakeGitHub.run(configuration) { fake async throws in
            let id = await fake.seed(tag: "v1", assets: ["a", "b", "c", "d", "e"])
            let client = TestSupport.client(fake, token: fake.token)
            let assets = try await client.listAssets(try TestSupport.repo(), releaseID: id)
            #expect(assets.map(\.name).sorted() == ["a", "b", "c", "d", "e"])
            #expect(await fake.requests.filter { $0.path.hasSuffix("/assets") }.count == 3)
        }
    }

    @Test("User-Agent, Accept and the API version go with every request")
    func headersAlwaysSent() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            let repository = try TestSupport.repo()
            let release = try await client.ensureRelease(repository, GitHubReleaseRequest(tagName: "v1")).value
            _ = try await client.uploadAsset(repository, release: release, name: "m.tar.gz",
                                             contentType: "application/gzip", bytes: [1])
            _ = try await client.listReleases(repository)
            let requests = await fake.requests
            #expect(requests.count >= 4)
            for request in requests {
                #expect(request.header("user-agent") == "steward/\(TestSupport.version)")
                #expect(request.header("accept") == "application/vnd.github+json")
                #expect(request.header("x-github-api-version") == "2022-11-28")
            }
        }
    }

    @Test("the fake refuses a request without User-Agent with 403, as GitHub does")
    func fakeRequiresUserAgent() async throws {
        try await FakeGitHub.run { fake async throws in
            let response = try await AsyncHTTPTransport().send(APIRequest(
                method: "GET", url: "\(fake.baseURL)/repos/octo/models/releases", service: "github"))
            #expect(response.status == 403)
            #expect(String(decoding: response.body, as: UTF8.self).contains("User-Agent"))
        }
    }

    @Test("the token from GITHUB_TOKEN goes to the GITHUB_API_URL override")
    func tokenToOverride() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = try GitHubClient.fromEnvironment(
                ["GITHUB_API_URL": fake.baseURL + "/", "GITHUB_TOKEN": fake.token],
                transport: AsyncHTTPTransport(), stewardVersion: TestSupport.version, logger: TestSupport.logger)
            #expect(client.endpoint.apiBaseURL == fake.baseURL)
            await fake.seed(tag: "draft-only", draft: true)
            // A draft is visible only to an accepted token: seeing it proves the token arrived.
            #expect(try await client.listReleases(try TestSupport.repo()).map(\.tagName) == ["draft-only"])
            let request = try #require(await fake.requests.first)
            #expect(request.header("authorization") == "Bearer \(fake.token)")
        }
    }

    @Test("a wrong token is 'unauthenticated' and the token is not in the message")
    func badToken() async throws {
        try await FakeGitHub.run { fake async throws in
            let secret = "ghp_wrong_secret_value"
            let client = TestSupport.client(fake, token: secret)
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await client.listReleases(try TestSupport.repo())
            }
            #expect(error.code == "unauthenticated")
            #expect(error.message.contains("Bad credentials"))
            #expect(!error.message.contains(secret))
            #expect(!"\(error)".contains(secret))
        }
    }

    @Test("without a token, create and upload fail before any request with a message naming both ways")
    func noToken() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.seed(tag: "v1")
            let client = TestSupport.client(fake, token: nil)
            let repository = try TestSupport.repo()
            let createError = try await #require(throws: RuntimeError.self) {
                _ = try await client.createRelease(repository, GitHubReleaseRequest(tagName: "v2"))
            }
            #expect(createError.code == "unauthenticated")
            #expect(createError.disposition == .stalled)
            #expect(createError.message.contains("GITHUB_TOKEN"))
            #expect(createError.message.contains("GITHUB_TOKEN_FILE"))
            let release = GitHubRelease(id: 1, tagName: "v1", uploadURL: "\(fake.baseURL)/uploads/repos/octo/models/releases/1/assets{?name,label}")
            let uploadError = try await #require(throws: RuntimeError.self) {
                _ = try await client.uploadAsset(repository, release: release, name: "a", contentType: "text/plain",
                                                 bytes: [1])
            }
            #expect(uploadError.code == "unauthenticated")
            #expect(await fake.requests.isEmpty)
        }
    }

    @Test("a primary rate limit (403, remaining 0) waits until x-ratelimit-reset")
    func primaryRateLimit() async throws {
        var configuration = FakeGitHub.Configuration()
        configuration.rateLimitReset = 1_700_000_600
        try await FakeGitHub.run(configuration) { fake async throws in
            await fake.inject(.primaryRateLimit(status: 403))
            let client = TestSupport.client(fake, token: fake.token, now: { 1_700_000_000 })
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await client.listReleases(try TestSupport.repo())
            }
            #expect(error.code == "rate_limited")
            #expect(error.disposition == .retry)
            #expect(error.retryAfter == 600)
            let recorded = try #require(await client.latestRateLimit())
            #expect(recorded.remaining == 0)
            #expect(recorded.reset == 1_700_000_600)
        }
    }

    @Test("a primary rate limit as 429 maps the same way")
    func primaryRateLimit429() async throws {
        var configuration = FakeGitHub.Configuration()
        configuration.rateLimitReset = 1_700_000_090
        try await FakeGitHub.run(configuration) { fake async throws in
            await fake.inject(.primaryRateLimit(status: 429))
            let client = TestSupport.client(fake, token: fake.token, now: { 1_700_000_000 })
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await client.publishedRelease(try TestSupport.repo(), tag: "v1")
            }
            #expect(error.code == "rate_limited")
            #expect(error.retryAfter == 90)
        }
    }

    @Test("a secondary rate limit honours retry-after, for 403 and 429", arguments: [403, 429])
    func secondaryRateLimit(status: Int) async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.inject(.secondaryRateLimit(status: status, retryAfter: 37))
            let client = TestSupport.client(fake, token: fake.token)
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await client.createRelease(try TestSupport.repo(), GitHubReleaseRequest(tagName: "v1"))
            }
            #expect(error.code == "rate_limited")
            #expect(error.retryAfter == 37)
            #expect(await fake.releases(in: "octo/models").isEmpty)
        }
    }

    @Test("rate-limit headers of ordinary responses are recorded")
    func recordsRateLimit() async throws {
        try await FakeGitHub.run { fake async throws in
            let client = TestSupport.client(fake, token: fake.token)
            #expect(await client.latestRateLimit() == nil)
            _ = try await client.listReleases(try TestSupport.repo())
            let recorded = try #require(await client.latestRateLimit())
            #expect(recorded.limit == 5000)
            #expect(recorded.remaining == 4999)
            #expect(recorded.resource == "core")
        }
    }
}
