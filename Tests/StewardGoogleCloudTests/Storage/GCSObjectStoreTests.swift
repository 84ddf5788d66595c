import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardRuntime
import Testing

@Suite("GCSObjectStore through the ObjectStore port, against fake-gcs-server")
struct GCSObjectStoreTests {
    @Test("create, write, read, list, exists and delete behave as the port promises")
    func portContract() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("steward-bkt")
            let store: any ObjectStore = GCSObjectStore(environment: ["STORAGE_EMULATOR_HOST": "http://" + server.hostAndPort], logger: quietLogger)
            let root = StorageURI(bucket: "steward-bkt", path: "steward/sources")
            let tarball = root.appending("tree 1.tar.gz")

            #expect(try await store.exists(tarball) == false)
            #expect(try await store.create(tarball, bytes: [0x1F, 0x8B, 0, 1], contentType: "application/gzip"))
            #expect(try await store.create(tarball, bytes: [9, 9], contentType: nil) == false)
            #expect(try await store.read(tarball) == [0x1F, 0x8B, 0, 1])
            #expect(try await store.exists(tarball))

            try await store.write(tarball, bytes: [7, 7, 7], contentType: nil)
            #expect(try await store.read(tarball) == [7, 7, 7])
            try await store.write(root.appending("nested/deeper/file.txt"), bytes: Array("x".utf8), contentType: "text/plain")

            let direct = try await store.list(root, delimiter: "/")
            #expect(direct.objects.map(\.uri) == [tarball])
            #expect(direct.objects.first?.size == 3)
            #expect(direct.objects.first?.generation != nil)
            #expect(direct.prefixes == [root.appending("nested")])

            let everything = try await store.list(root, delimiter: nil)
            #expect(Set(everything.objects.map(\.uri)) == [tarball, root.appending("nested/deeper/file.txt")])
            #expect(everything.prefixes.isEmpty)

            try await store.delete(tarball)
            try await store.delete(tarball)
            #expect(try await store.exists(tarball) == false)
            let error = await #expect(throws: RuntimeError.self) { try await store.read(tarball) }
            #expect(error?.isNotFound == true)
            #expect(error?.message.contains("gs://steward-bkt/steward/sources/tree 1.tar.gz") == true)
        }
    }
}
