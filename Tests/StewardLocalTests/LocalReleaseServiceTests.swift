import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local release service")
struct LocalReleaseServiceTests {
    static let createdAt = Instant(millisecondsSinceEpoch: 1_790_000_000_000)

    func service(_ folder: TemporaryFolder) -> LocalReleaseService {
        LocalReleaseService(layout: folder.layout, logger: testLogger, now: { Self.createdAt })
    }

    func release(_ tag: String, repository: String = "acme/vision", body: String = "accuracy 0.93") -> CreateRelease {
        CreateRelease(repository: repository, tag: tag, name: "Model \(tag)", body: body, commit: "abc123", draft: true,
                      prerelease: false)
    }

    func asset(_ tag: String, _ name: String) -> UploadAsset {
        UploadAsset(repository: "acme/vision", tag: tag, name: name, modelURI: "gs://bkt/runs/a/model")
    }

    @Test("create records the release; creating the tag again adopts it unchanged")
    func create() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = service(folder)
        #expect(try await service.create(release("model-v1")) == .created)
        #expect(try await service.create(release("model-v1", body: "other")) == .adopted)

        let path = folder.path + "/local/releases/acme/vision/model-v1/release.json"
        let record = try ReleaseRecord.decode(Array(Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(record.repository == "acme/vision" && record.tag == "model-v1" && record.name == "Model model-v1")
        #expect(record.body == "accuracy 0.93" && record.commit == "abc123")
        #expect(record.draft && !record.prerelease)
        #expect(record.id == "acme/vision@model-v1" && record.createdAt == Self.createdAt)
        // Nothing but the release beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/releases/acme/vision") == ["model-v1"])
    }

    @Test("a tag with a slash is one folder and reads back as itself")
    func slashTag() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = service(folder)
        #expect(try await service.create(release("models/v1.2")) == .created)
        #expect(FileManager.default.fileExists(atPath: folder.path + "/local/releases/acme/vision/models%2Fv1.2/release.json"))
        #expect(try await service.observeReleases(repositories: ["acme/vision"]).map(\.tag) == ["models/v1.2"])
        #expect(LocalReleaseService.folderName(forTag: ".hidden%") == "%2Ehidden%25")
    }

    @Test("an asset is written once; uploading its name again adopts it unchanged")
    func assets() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = service(folder)
        _ = try await service.create(release("model-v1"))
        #expect(try await service.uploadAsset(asset("model-v1", "model.tar.gz"), bytes: [1, 2, 3],
                                              contentType: "application/gzip") == .created)
        #expect(try await service.uploadAsset(asset("model-v1", "model.tar.gz"), bytes: [9],
                                              contentType: "application/gzip") == .adopted)
        let path = folder.path + "/local/releases/acme/vision/model-v1/assets/model.tar.gz"
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == [1, 2, 3])

        let missing = await #expect(throws: RuntimeError.self) {
            try await service.uploadAsset(asset("model-v9", "model.tar.gz"), bytes: [1], contentType: "application/gzip")
        }
        #expect(missing?.code == "not_found")
        let badName = await #expect(throws: RuntimeError.self) {
            try await service.uploadAsset(asset("model-v1", "../x"), bytes: [1], contentType: "application/gzip")
        }
        #expect(badName?.code == "invalid")
    }

    @Test("observing lists the releases of the given repositories only, with their assets")
    func observe() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = service(folder)
        _ = try await service.create(release("model-v2"))
        _ = try await service.create(release("model-v1"))
        _ = try await service.create(release("model-v1", repository: "acme/other"))
        _ = try await service.uploadAsset(asset("model-v1", "model.tar.gz"), bytes: [1], contentType: "application/gzip")
        _ = try await service.uploadAsset(asset("model-v1", "metrics.json"), bytes: [2], contentType: "application/json")

        let observed = try await service.observeReleases(repositories: ["acme/vision", "acme/absent"])
        #expect(observed == [
            ObservedRelease(repository: "acme/vision", tag: "model-v1", id: "acme/vision@model-v1", draft: true,
                            assets: ["metrics.json", "model.tar.gz"]),
            ObservedRelease(repository: "acme/vision", tag: "model-v2", id: "acme/vision@model-v2", draft: true, assets: []),
        ])
        #expect(try await service.observeReleases(repositories: []).isEmpty)
        let bad = await #expect(throws: RuntimeError.self) { try await service.create(release("v1", repository: "no-owner")) }
        #expect(bad?.code == "invalid")
    }
}
