import StewardCore
import StewardFakes
import StewardHTTP
import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub release service (the ReleaseService port)")
struct GitHubReleaseServiceTests {
    static func service(_ fake: FakeGitHub, pageSize: Int = 100) -> GitHubReleaseService {
        GitHubReleaseService(client: TestSupport.client(fake, token: fake.token, pageSize: pageSize),
                             logger: TestSupport.logger)
    }

    static func createRequest(tag: String = "cifar10-v1", draft: Bool = false) -> CreateRelease {
        CreateRelease(repository: "octo/models", tag: tag, name: "cifar10 \(tag)", body: "trained at a1b2c3d",
                      commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", draft: draft, prerelease: false)
    }

    @Test("observe lists every repository's releases over pages, drafts and asset names included")
    func observe() async throws {
        var configuration = FakeGitHub.Configuration()
        configuration.repositories = ["octo/models", "octo/other"]
        configuration.maxPerPage = 2
        try await FakeGitHub.run(configuration) { fake async throws in
            let v1 = await fake.seed(tag: "v1", assets: ["saved_model.tar.gz", "metrics.json"])
            let v2 = await fake.seed(tag: "v2", draft: true)
            let v3 = await fake.seed(tag: "v3")
            let other = await fake.seed(repository: "octo/other", tag: "x1")
            let observed = try await Self.service(fake).observeReleases(repositories: ["octo/models", "octo/other"])
            let expected: Set<ObservedRelease> = [
                ObservedRelease(repository: "octo/models", tag: "v1", id: String(v1), draft: false,
                                assets: ["saved_model.tar.gz", "metrics.json"]),
                ObservedRelease(repository: "octo/models", tag: "v2", id: String(v2), draft: true, assets: []),
                ObservedRelease(repository: "octo/models", tag: "v3", id: String(v3), draft: false, assets: []),
                ObservedRelease(repository: "octo/other", tag: "x1", id: String(other), draft: false, assets: []),
            ]
            #expect(Set(observed) == expected)
            #expect(observed.count == 4)
        }
    }

    @Test("observing nothing makes no request")
    func observeNothing() async throws {
        try await FakeGitHub.run { fake async throws in
            #expect(try await Self.service(fake).observeReleases(repositories: []).isEmpty)
            #expect(await fake.requests.isEmpty)
        }
    }

    @Test("a repository that is not owner/name is a stalled error before any request")
    func badRepository() async throws {
        try await FakeGitHub.run { fake async throws in
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await Self.service(fake).observeReleases(repositories: ["just-a-name"])
            }
            #expect(error.code == "invalid")
            #expect(error.message.contains("'just-a-name'"))
            #expect(await fake.requests.isEmpty)
        }
    }

    @Test("create makes the release from the commit, and creating it again adopts it")
    func createThenAdopt() async throws {
        try await FakeGitHub.run { fake async throws in
            let service = Self.service(fake)
            #expect(try await service.create(Self.createRequest()) == .created)
            #expect(try await service.create(Self.createRequest()) == .adopted)
            let stored = await fake.releases(in: "octo/models")
            #expect(stored.count == 1)
            #expect(stored.first?.tagName == "cifar10-v1")
            #expect(stored.first?.targetCommitish == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
            #expect(stored.first?.name == "cifar10 cifar10-v1")
            #expect(stored.first?.body == "trained at a1b2c3d")
        }
    }

    @Test("a token without contents: write is a terminal permission_denied after one write")
    func deniedWriteIsTerminal() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.denyWrites()
            let error = await #expect(throws: RuntimeError.self) {
                _ = try await Self.service(fake).create(Self.createRequest())
            }
            #expect(error?.code == "permission_denied")
            #expect(error?.isTerminal == true)
            #expect(error?.message.contains("Resource not accessible by personal access token") == true)
            #expect(await fake.requests.filter { $0.method == "POST" }.count == 1)
            #expect(await fake.releases(in: "octo/models").isEmpty)
        }
    }

    @Test("a rate-limit 403 is transient, says when to try again, and the next try creates the release")
    func rateLimitIsTransient() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.inject(.secondaryRateLimit(status: 403, retryAfter: 60))
            let service = Self.service(fake)
            let error = await #expect(throws: RuntimeError.self) { _ = try await service.create(Self.createRequest()) }
            #expect(error?.code == "rate_limited")
            #expect(error?.isTerminal == false)
            #expect(error?.retryAfter == 60)
            let sent = await fake.requests.count
            #expect(sent == 1)
            #expect(try await service.create(Self.createRequest()) == .created)
            #expect(await fake.releases(in: "octo/models").count == 1)
        }
    }

    @Test("a draft made earlier is adopted, not duplicated")
    func adoptDraft() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.seed(tag: "cifar10-v1", draft: true)
            #expect(try await Self.service(fake).create(Self.createRequest(draft: true)) == .adopted)
            #expect(await fake.releases(in: "octo/models").count == 1)
            #expect(await fake.requests.filter { $0.method == "POST" }.isEmpty)
        }
    }

    @Test("upload puts the bytes on the tag's release, and uploading again adopts the asset")
    func uploadThenAdopt() async throws {
        try await FakeGitHub.run { fake async throws in
            let service = Self.service(fake)
            _ = try await service.create(Self.createRequest())
            let request = UploadAsset(repository: "octo/models", tag: "cifar10-v1", name: "saved_model.tar.gz",
                                      modelURI: "gs://bucket/models/run-1")
            let bytes: [UInt8] = Array("model bytes \u{0}\u{1}\u{2}".utf8)
            #expect(try await service.uploadAsset(request, bytes: bytes, contentType: "application/gzip") == .created)
            #expect(try await service.uploadAsset(request, bytes: bytes, contentType: "application/gzip") == .adopted)
            let asset = try #require(await fake.releases(in: "octo/models").first?.assets.first)
            #expect(asset.bytes == bytes)
            #expect(asset.contentType == "application/gzip")
            #expect(await fake.requests.filter { $0.path.hasPrefix("/uploads/") }.count == 1)
            let observed = try await service.observeReleases(repositories: ["octo/models"])
            #expect(observed.first?.assets == ["saved_model.tar.gz"])
        }
    }

    @Test("an asset an interrupted upload left unfinished is deleted and uploaded again; an observation ignores it")
    func unfinishedAssetReplaced() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.seed(tag: "cifar10-v1", assets: ["saved_model.tar.gz"], assetState: "starter")
            let service = Self.service(fake)
            #expect(try await service.observeReleases(repositories: ["octo/models"]).first?.assets == [])
            let request = UploadAsset(repository: "octo/models", tag: "cifar10-v1", name: "saved_model.tar.gz",
                                      modelURI: "gs://bucket/models/run-1")
            let bytes: [UInt8] = Array("the whole model".utf8)
            #expect(try await service.uploadAsset(request, bytes: bytes, contentType: "application/gzip") == .created)
            let assets = try #require(await fake.releases(in: "octo/models").first?.assets)
            #expect(assets.count == 1)
            #expect(assets.first?.bytes == bytes)
            #expect(assets.first?.state == "uploaded")
            #expect(await fake.requests.filter { $0.method == "DELETE" }.count == 1)
            #expect(try await service.observeReleases(repositories: ["octo/models"]).first?.assets == ["saved_model.tar.gz"])
        }
    }

    @Test("upload to a draft release finds it through the list")
    func uploadToDraft() async throws {
        try await FakeGitHub.run { fake async throws in
            await fake.seed(tag: "cifar10-v1", draft: true)
            let request = UploadAsset(repository: "octo/models", tag: "cifar10-v1", name: "m.tar.gz", modelURI: "gs://b/m")
            #expect(try await Self.service(fake).uploadAsset(request, bytes: [7], contentType: "application/gzip")
                == .created)
            #expect(await fake.releases(in: "octo/models").first?.assets.map(\.name) == ["m.tar.gz"])
        }
    }

    @Test("upload to a tag without a release is a retryable not_found")
    func uploadWithoutRelease() async throws {
        try await FakeGitHub.run { fake async throws in
            let request = UploadAsset(repository: "octo/models", tag: "nope", name: "m.tar.gz", modelURI: "gs://b/m")
            let error = try await #require(throws: RuntimeError.self) {
                _ = try await Self.service(fake).uploadAsset(request, bytes: [1], contentType: "application/gzip")
            }
            #expect(error.code == "not_found")
            #expect(error.disposition == .retry)
            #expect(error.message.contains("'nope'"))
        }
    }
}
