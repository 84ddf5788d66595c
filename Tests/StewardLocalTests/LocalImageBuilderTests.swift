import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local image builder")
struct LocalImageBuilderTests {
    static let commit = "c0ffee0000000000000000000000000000000001"
    static let source = [commit: [
        SourceFile(path: "training/Dockerfile", bytes: Array("FROM python\n".utf8)),
        SourceFile(path: "training/run.sh", bytes: Array("#!/bin/sh\necho run\n".utf8), executable: true),
        SourceFile(path: "training/modules/trainer.py", bytes: Array("print('train')\n".utf8)),
        SourceFile(path: "serving/app.py", bytes: Array("app\n".utf8)),
    ]]

    func request(name: String = "gcr.io/p/train", tree: String = "tree1", build: String? = nil) -> BuildImage {
        BuildImage(pipeline: "train", imageName: name, tree: tree, context: RepositoryPath(unchecked: "training"),
                   excluding: RepositoryPath(unchecked: "training/modules"),
                   dockerfile: RepositoryPath(unchecked: "training/Dockerfile"), commit: Self.commit, localBuild: build)
    }

    @Test("without local.build: the context is exported without the modules folder and recorded")
    func exportOnly() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let image = try await builder.build(request(), key: "k1", source: InMemorySource(Self.source))
        #expect(image.state == .succeeded)
        #expect(image.name == "gcr.io/p/train" && image.tree == "tree1")

        let dir = folder.path + "/local/images/tree1"
        #expect(try readText(dir + "/Dockerfile") == "FROM python\n")
        #expect(FileManager.default.isExecutableFile(atPath: dir + "/run.sh"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/modules"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/app.py"))

        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/.steward-image.json"))) as? [String: Any]
        #expect(record?["names"] as? [String] == ["gcr.io/p/train"])
        #expect(record?["tree"] as? String == "tree1")
        #expect(record?["commit"] as? String == Self.commit)
        #expect(record?["key"] as? String == "k1")
        #expect(record?["state"] as? String == "succeeded")
        // Only the image folder is left under images/: no temporary folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/images") == ["tree1"])

        let observed = try await builder.observe(names: ["gcr.io/p/train", "gcr.io/p/other"])
        #expect(observed.map(\.tree) == ["tree1"])
        #expect(observed.first?.state == .succeeded)
        #expect(try await builder.observe(names: ["gcr.io/p/other"]).isEmpty)
    }

    @Test("local.build runs once inside the exported folder")
    func localBuild() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let build = "ls Dockerfile > listed.txt && pwd -P > where.txt && echo built >> builds.txt"
        let image = try await builder.build(request(build: build), key: "k1", source: InMemorySource(Self.source))
        #expect(image.state == .succeeded)
        let dir = folder.path + "/local/images/tree1"
        #expect(try readText(dir + "/listed.txt") == "Dockerfile\n")
        #expect(try readText(dir + "/where.txt") == dir + "\n")
        #expect(try readText(dir + "/builds.txt") == "built\n")
    }

    @Test("a failing local.build records the image as failed with the log's tail")
    func failingBuild() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let image = try await builder.build(request(build: "echo 'pip: no such package' >&2; exit 2"), key: "k1",
                                            source: InMemorySource(Self.source))
        #expect(image.state == .failed)
        #expect(image.message?.contains("exited with code 2") == true)
        #expect(image.message?.contains("pip: no such package") == true)

        let observed = try await builder.observe(names: ["gcr.io/p/train"])
        #expect(observed.count == 1)
        #expect(observed.first?.state == .failed)
        #expect(observed.first?.message?.contains("pip: no such package") == true)
    }

    @Test("a build that failed is built again once local.build changes, and not before")
    func fixedBuildCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let source = InMemorySource(Self.source)
        let broken = "echo attempt >> attempts.txt; exit 3"
        #expect(try await builder.build(request(build: broken), key: "k1", source: source).state == .failed)
        #expect(try await builder.observe(names: ["gcr.io/p/train"]).first?.localBuild == broken)
        // The same command again: the failed image is the answer; nothing runs.
        #expect(try await builder.build(request(build: broken), key: "k1", source: source).state == .failed)
        #expect(try readText(folder.path + "/local/images/tree1/attempts.txt") == "attempt\n")

        let fixed = "echo built > built.txt"
        let image = try await builder.build(request(build: fixed), key: "k1", source: source)
        #expect(image.state == .succeeded)
        #expect(image.localBuild == fixed)
        #expect(try readText(folder.path + "/local/images/tree1/built.txt") == "built\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/local/images/tree1/attempts.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/images") == ["tree1"])
    }

    @Test("an existing image folder is adopted: nothing exported or built again, the new name is added")
    func adoption() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let source = InMemorySource(Self.source)
        let build = "echo built >> builds.txt"
        _ = try await builder.build(request(build: build), key: "k1", source: source)
        let again = try await builder.build(request(build: build), key: "k1", source: source)
        let other = try await builder.build(request(name: "gcr.io/p/eval", build: build), key: "k2", source: source)
        #expect(again.state == .succeeded && other.state == .succeeded)
        #expect(other.name == "gcr.io/p/eval")
        #expect(source.exports == 1)
        #expect(try readText(folder.path + "/local/images/tree1/builds.txt") == "built\n")

        // A new builder (another Steward) sees both names from the record.
        let fresh = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let observed = try await fresh.observe(names: ["gcr.io/p/train", "gcr.io/p/eval"])
        #expect(Set(observed.map(\.name)) == ["gcr.io/p/train", "gcr.io/p/eval"])
        #expect(observed.allSatisfy { $0.tree == "tree1" && $0.state == .succeeded })
    }

    @Test("concurrent builds of one tree: one export wins, every caller gets the image")
    func concurrentBuilds() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let builder = LocalImageBuilder(layout: folder.layout, logger: testLogger)
        let source = InMemorySource(Self.source)
        let request = request(build: "echo built >> builds.txt")
        let states = try await withThrowingTaskGroup(of: WorkState.self) { group in
            for _ in 0..<4 { group.addTask { try await builder.build(request, key: "k1", source: source).state } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(states == [.succeeded, .succeeded, .succeeded, .succeeded])
        #expect(try readText(folder.path + "/local/images/tree1/builds.txt") == "built\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/images") == ["tree1"])
    }
}
