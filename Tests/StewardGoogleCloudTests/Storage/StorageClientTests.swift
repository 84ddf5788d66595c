import Foundation
import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime
import Testing

/// A client for the fake, as `STORAGE_EMULATOR_HOST` configures it (no credentials, retries on).
private func client(for server: FakeGCSServer, pageSize: Int = 1000) -> StorageClient {
    var client = StorageClient.configured(environment: ["STORAGE_EMULATOR_HOST": server.hostAndPort], logger: quietLogger)
    client.pageSize = pageSize
    return client
}

/// Uploads objects concurrently, at most 16 at a time.
private func uploadAll(_ client: StorageClient, bucket: String, names: [String]) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        for _ in 0..<min(16, names.count) {
            let name = names[next]
            next += 1
            group.addTask { _ = try await client.insert(bucket: bucket, name: name, bytes: Array(name.utf8)) }
        }
        while try await group.next() != nil {
            if next < names.count {
                let name = names[next]
                next += 1
                group.addTask { _ = try await client.insert(bucket: bucket, name: name, bytes: Array(name.utf8)) }
            }
        }
    }
}

@Suite("Cloud Storage client against fake-gcs-server")
struct StorageClientTests {
    @Test("listing gathers more than 1,000 objects across pages")
    func listsAcrossPages() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("many")
            let storage = client(for: server)
            let names = (0..<1_234).map { String(format: "runs/%05d.json", $0) }
            try await uploadAll(storage, bucket: "many", names: names + ["other/outside.json"])

            let listing = try await storage.list(bucket: "many", prefix: "runs/")
            #expect(listing.items.count == 1_234)
            #expect(Set(listing.items.map(\.name)) == Set(names))
            #expect(listing.prefixes.isEmpty)
            let sizes = Dictionary(uniqueKeysWithValues: listing.items.map { ($0.name, $0.size) })
            #expect(sizes["runs/00042.json"] == "runs/00042.json".utf8.count)
        }
    }

    @Test("a delimiter returns the direct objects and each deeper prefix once, over many small pages")
    func listsPrefixes() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("tree")
            let storage = client(for: server, pageSize: 3)
            let names = ["data/a.txt", "data/b.txt", "data/c.txt", "data/x/1", "data/x/2", "data/y/1", "data/z/deep/1", "top.txt"]
            try await uploadAll(storage, bucket: "tree", names: names)

            let listing = try await storage.list(bucket: "tree", prefix: "data/", delimiter: "/")
            #expect(listing.items.map(\.name).sorted() == ["data/a.txt", "data/b.txt", "data/c.txt"])
            #expect(listing.prefixes.sorted() == ["data/x/", "data/y/", "data/z/"])

            let root = try await storage.list(bucket: "tree", delimiter: "/")
            #expect(root.items.map(\.name) == ["top.txt"])
            #expect(root.prefixes == ["data/"])
        }
    }

    @Test("binary bytes round-trip under names with spaces, '#', '?' and non-ASCII letters")
    func uploadsAndDownloadsMedia() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("media")
            let storage = client(for: server)
            var bytes = (0...255).map { UInt8($0) }
            bytes += Array("\r\n--steward-boundary\r\n".utf8)
            var generator = SystemRandomNumberGenerator()
            bytes += (0..<100_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            for name in ["models/my model #3.bin", "weird/a?b&c=d é.bin", "plain.bin"] {
                let written = try await storage.insert(bucket: "media", name: name, bytes: bytes, contentType: "application/octet-stream")
                #expect(written.name == name)
                #expect(written.size == bytes.count)
                #expect(written.crc32c == CRC32C.base64(CRC32C.checksum(bytes)))
                let read = try await storage.download(bucket: "media", name: name)
                #expect(read == bytes)
                let metadata = try await storage.metadata(bucket: "media", name: name)
                #expect(metadata.generation == written.generation)
            }
            let listed = try await storage.list(bucket: "media", prefix: "models/")
            #expect(listed.items.map(\.name) == ["models/my model #3.bin"])
        }
    }

    @Test("create-if-absent succeeds once, then returns nil and keeps the first bytes")
    func createsIfAbsent() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("once")
            let storage = client(for: server)
            let first = try await storage.createIfAbsent(bucket: "once", name: "keys/k1", bytes: Array("first".utf8))
            #expect(first != nil)
            let second = try await storage.createIfAbsent(bucket: "once", name: "keys/k1", bytes: Array("second".utf8))
            #expect(second == nil)
            #expect(try await storage.download(bucket: "once", name: "keys/k1") == Array("first".utf8))
        }
    }

    @Test("rewrite copies an object server-side")
    func rewrites() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("src")
            try await server.createBucket("dst")
            let storage = client(for: server)
            let bytes = Array("model weights".utf8)
            _ = try await storage.insert(bucket: "src", name: "a/model.bin", bytes: bytes)
            let copied = try await storage.rewrite(sourceBucket: "src", sourceName: "a/model.bin", destinationBucket: "dst", destinationName: "b/copy of model.bin")
            #expect(copied.name == "b/copy of model.bin")
            #expect(copied.bucket == "dst")
            #expect(try await storage.download(bucket: "dst", name: "b/copy of model.bin") == bytes)
            #expect(try await storage.download(bucket: "src", name: "a/model.bin") == bytes)
        }
    }

    @Test("delete removes the object; deleting it again is not an error")
    func deletes() async throws {
        try await FakeGCSServer.with { server async throws in
            try await server.createBucket("del")
            let storage = client(for: server)
            _ = try await storage.insert(bucket: "del", name: "tmp/x y", bytes: [1, 2, 3])
            #expect(try await storage.delete(bucket: "del", name: "tmp/x y"))
            #expect(try await storage.delete(bucket: "del", name: "tmp/x y") == false)
            let error = await #expect(throws: RuntimeError.self) { try await storage.download(bucket: "del", name: "tmp/x y") }
            #expect(error?.code == "not_found")
            let missing = await #expect(throws: RuntimeError.self) { try await storage.metadata(bucket: "del", name: "tmp/x y") }
            #expect(missing?.code == "not_found")
        }
    }
}
