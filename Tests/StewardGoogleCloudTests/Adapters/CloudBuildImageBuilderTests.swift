import Foundation
import StewardArchive
import StewardCore
import StewardFakes
@testable import StewardGoogleCloud
import StewardRuntime
import Testing

@Suite("Cloud Build image builder against the fake")
struct CloudBuildImageBuilderTests {
    static let commit = String(repeating: "1", count: 40)
    static let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    static let key = "feedfacefeedfacefeedfacefeedface"
    static let staging = StorageURI(bucket: "steward-bucket")

    static let source = InMemorySource(commit: commit, files: [
        SourceFile(path: "training/Dockerfile", bytes: Array("FROM python:3.12\nCOPY . /app\n".utf8)),
        SourceFile(path: "training/app.py", bytes: Array("print('train')\n".utf8)),
        SourceFile(path: "training/bin/run.sh", bytes: Array("#!/bin/sh\n".utf8), executable: true),
        SourceFile(path: "training/modules/model.py", bytes: Array("MODEL = 1\n".utf8)),
        SourceFile(path: "docker/Dockerfile.train", bytes: Array("FROM scratch\n".utf8)),
        SourceFile(path: "README.md", bytes: Array("# repo\n".utf8)),
    ])

    static func request(dockerfile: String = "training/Dockerfile") -> BuildImage {
        BuildImage(pipeline: "cifar10-training", imageName: "us-docker.pkg.dev/steward-test/images/trainer", tree: tree,
                   context: RepositoryPath(unchecked: "training"), excluding: RepositoryPath(unchecked: "training/modules"),
                   dockerfile: RepositoryPath(unchecked: dockerfile), commit: commit, localBuild: nil)
    }

    /// The entry names of a tar.gz, read from its headers.
    static func names(in archive: [UInt8]) throws -> [String] {
        let tar = try Gzip.decompress(archive)
        var names: [String] = []
        var offset = 0
        while offset + 512 <= tar.count, tar[offset] != 0 {
            let header = Array(tar[offset..<(offset + 512)])
            func field(_ start: Int, _ length: Int) -> String {
                String(decoding: header[start..<(start + length)].prefix { $0 != 0 }, as: UTF8.self)
            }
            let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0
            let prefix = field(345, 155)
            names.append(prefix.isEmpty ? field(0, 100) : prefix + "/" + field(0, 100))
            offset += 512 + (size + 511) / 512 * 512
        }
        return names
    }

    @Test("a build stages the context without the modules folder and runs docker build with the tree tag")
    func buildStagesAndStarts() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let objects = InMemoryObjectStore()
            let builder = h.apis.imageBuilder(staging: Self.staging, objects: objects)
            let image = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            #expect(image.state == .pending)
            #expect(image.name == "us-docker.pkg.dev/steward-test/images/trainer")
            #expect(image.tree == Self.tree)
            #expect(image.buildID != nil)

            let staged = StorageURI(bucket: "steward-bucket", path: "steward/sources/\(Self.tree).tar.gz")
            let archive = try #require(await objects.objects[staged])
            #expect(try Self.names(in: archive).sorted() == ["Dockerfile", "app.py", "bin/", "bin/run.sh"])

            let body = try #require(await h.cloudBuild.requests("POST", pathSuffix: "/builds").first?.json)
            let reference = "us-docker.pkg.dev/steward-test/images/trainer:\(Self.tree)"
            #expect(body["source"]?["storageSource"]?["bucket"] == .string("steward-bucket"))
            #expect(body["source"]?["storageSource"]?["object"] == .string("steward/sources/\(Self.tree).tar.gz"))
            #expect(body["steps"]?.arrayValue?.first?["name"] == .string("gcr.io/cloud-builders/docker"))
            #expect(body["steps"]?.arrayValue?.first?["args"] == .array(["build", "-t", reference, "-f", "Dockerfile", "."].map { .string($0) }))
            #expect(body["images"] == .array([.string(reference)]))
            let tags = body["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Set(tags) == ["steward-managed", "steward-tree-\(Self.tree)", "steward-key-\(Self.key)",
                                  "steward-resource-cifar10-training"])
            #expect(body["substitutions"] == nil)
        }
    }

    @Test("a second build for the same key adopts the build in progress")
    func adoptedByKey() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let objects = InMemoryObjectStore()
            let builder = h.apis.imageBuilder(staging: Self.staging, objects: objects)
            let first = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            let second = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            #expect(second.buildID == first.buildID)
            #expect(await h.cloudBuild.buildCount() == 1)
            #expect(await objects.creates == 1)
        }
    }

    @Test("a 400 to builds.create is terminal after one request, with the API's code and message")
    func invalidBuildIsTerminal() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let message = "invalid bucket \"steward-bucket\"; service account does not have access to the bucket"
            await h.cloudBuild.deny(FakeDenial(method: "POST", pathSuffix: "/builds", http: 400, status: "INVALID_ARGUMENT",
                                               message: message))
            let builder = h.apis.imageBuilder(staging: Self.staging, objects: InMemoryObjectStore())
            let error = await #expect(throws: RuntimeError.self) {
                _ = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            }
            #expect(error?.code == "invalid")
            #expect(error?.isTerminal == true)
            #expect(error?.message.contains(message) == true, "\(String(describing: error))")
            #expect(await h.cloudBuild.requests("POST", pathSuffix: "/builds").count == 1)
            #expect(await h.cloudBuild.buildCount() == 0)
        }
    }

    @Test("observe reports builds by image name as they progress, and a failed build is built again")
    func observeAndRebuildAfterFailure() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let objects = InMemoryObjectStore()
            let builder = h.apis.imageBuilder(staging: Self.staging, objects: objects)
            await h.cloudBuild.failNextBuild("step 0: docker build exited 1")
            let failing = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            let names: Set<String> = ["us-docker.pkg.dev/steward-test/images/trainer"]
            #expect(try await builder.observe(names: names).first?.state == .pending)
            #expect(try await builder.observe(names: names).first?.state == .running)
            let failed = try #require(try await builder.observe(names: names).first)
            #expect(failed.state == .failed)
            #expect(failed.message == "step 0: docker build exited 1")
            #expect(try await builder.observe(names: ["other/image"]).isEmpty)

            let retry = try await builder.build(Self.request(), key: Self.key, source: Self.source)
            #expect(retry.buildID != failing.buildID)
            #expect(await h.cloudBuild.buildCount() == 2)
            // The archive was staged once: the same tree gives the same object.
            #expect(await objects.objects.count == 1)
            for _ in 0..<2 { _ = try await builder.observe(names: names) }
            let observed = try await builder.observe(names: names)
            #expect(observed.count == 1)
            #expect(observed.first?.state == .succeeded)
            #expect(observed.first?.buildID == retry.buildID)
            #expect(observed.first?.startedAt != nil)
        }
    }

    @Test("a Dockerfile outside the context travels inside the archive")
    func dockerfileOutsideContext() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let objects = InMemoryObjectStore()
            let builder = h.apis.imageBuilder(staging: Self.staging, objects: objects)
            _ = try await builder.build(Self.request(dockerfile: "docker/Dockerfile.train"), key: Self.key, source: Self.source)
            let archive = try #require(await objects.objects.values.first)
            #expect(try Self.names(in: archive).contains(".steward.Dockerfile"))
            let args = await h.cloudBuild.requests("POST", pathSuffix: "/builds").first?.json?["steps"]?.arrayValue?.first?["args"]
            #expect(args?.arrayValue?.compactMap(\.stringValue).contains(".steward.Dockerfile") == true)
        }
    }
}
