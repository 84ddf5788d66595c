import StewardFakes
import StewardGoogleCloud
import StewardRuntime
import Testing

@Suite("Cloud Build client against the fake")
struct CloudBuildClientTests {
    static func build(tags: [String], image: String = "us-docker.pkg.dev/p/r/img:t1") -> CloudBuild.Build {
        CloudBuild.Build(source: .init(storageSource: .init(bucket: "bucket", object: "steward/sources/t1.tar.gz")),
                         steps: [.init(name: "gcr.io/cloud-builders/docker", args: ["build", "-t", image, "."])],
                         images: [image], tags: tags)
    }

    @Test("create returns an operation holding the queued build; get and list see it progress alike")
    func createAndProgress() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let operation = try await h.builds.createBuild(Self.build(tags: ["steward-managed"]))
            #expect(operation.isDone == false)
            #expect(operation.name?.hasPrefix("projects/123456789012/locations/us-central1/operations/") == true)
            let queued = try #require(try CloudBuildClient.build(of: operation))
            #expect(queued.status == .queued)
            let id = try #require(queued.id)
            #expect(try await h.builds.build(id: id).status == .queued)
            #expect(try await h.builds.allBuilds(filter: #"tags="steward-managed""#).first?.status == .working)
            let done = try await h.builds.build(id: id)
            #expect(done.status == .success)
            #expect(done.results?.images?.first?.digest?.hasPrefix("sha256:") == true)
            let finished = try await h.builds.operation(try #require(operation.name))
            #expect(finished.isDone)
        }
    }

    @Test("list filters by tag across pages")
    func listByTagAcrossPages() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.cloudBuild.setMaximumPageSize(5)
            for index in 0..<12 {
                _ = try await h.builds.createBuild(Self.build(tags: index % 12 < 7 ? ["steward-managed", "a"] : ["b"]))
            }
            let tagged = try await h.builds.allBuilds(filter: #"tags="a""#)
            #expect(tagged.count == 7)
            let lists = await h.cloudBuild.requests("GET", pathSuffix: "/builds")
            #expect(lists.count == 2)
            #expect(lists.allSatisfy { $0.query["filter"] == #"tags="a""# })
        }
    }

    @Test("a tag Cloud Build refuses is a 400, mapped to invalid")
    func badTag() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            let error = await #expect(throws: RuntimeError.self) {
                try await h.builds.createBuild(Self.build(tags: ["has/slash"]))
            }
            #expect(error?.code == "invalid")
            #expect(await h.cloudBuild.buildCount() == 0)
        }
    }

    @Test("a 503 with Retry-After maps to unavailable with the wait")
    func unavailable() async throws {
        try await FakeHarness.with { (h: FakeHarness) async throws in
            await h.cloudBuild.failNext(1, status: 503, retryAfter: "3")
            let error = await #expect(throws: RuntimeError.self) { try await h.builds.allBuilds() }
            #expect(error?.code == "unavailable")
            #expect(error?.retryAfter == 3)
            #expect(try await h.builds.allBuilds().isEmpty)
        }
    }
}
