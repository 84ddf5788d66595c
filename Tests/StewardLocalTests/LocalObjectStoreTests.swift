import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

@Suite("Local object store")
struct LocalObjectStoreTests {
    func uri(_ path: String) -> StorageURI { StorageURI(bucket: "bkt", path: path) }

    @Test("create is create-if-absent: the second create returns false and keeps the first bytes")
    func createIfAbsent() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)

        #expect(try await store.create(uri("a/marker"), bytes: Array("first".utf8), contentType: nil))
        #expect(try await store.create(uri("a/marker"), bytes: Array("second".utf8), contentType: nil) == false)
        #expect(try await store.read(uri("a/marker")) == Array("first".utf8))
        #expect(try readText(folder.path + "/local/storage/bkt/a/marker") == "first")
    }

    @Test("concurrent creates of one object: exactly one wins, no temporary file is left")
    func concurrentCreates() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        let target = uri("locks/once")
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask { try await store.create(target, bytes: Array("writer \(i)".utf8), contentType: nil) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/storage/bkt/locks")
        #expect(names == ["once"])
    }

    @Test("write replaces atomically and leaves no temporary file")
    func writeReplaces() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        try await store.write(uri("w/obj"), bytes: Array("one".utf8), contentType: "text/plain")
        try await store.write(uri("w/obj"), bytes: Array("two, longer".utf8), contentType: "text/plain")
        #expect(try await store.read(uri("w/obj")) == Array("two, longer".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/storage/bkt/w")
        #expect(names == ["obj"])
    }

    @Test("reading a missing object throws not_found")
    func readMissing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) { try await store.read(uri("nothing/here")) }
        #expect(error?.code == "not_found")
        #expect(try await store.exists(uri("nothing/here")) == false)
    }

    @Test("delete removes an object; deleting a missing one is fine")
    func delete() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        try await store.write(uri("d/x"), bytes: [1, 2, 3], contentType: nil)
        #expect(try await store.exists(uri("d/x")))
        try await store.delete(uri("d/x"))
        #expect(try await store.exists(uri("d/x")) == false)
        try await store.delete(uri("d/x"))
        try await store.delete(uri("never/was"))
    }

    @Test("list is recursive without a delimiter, sorted by name, with sizes")
    func listRecursive() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        for path in ["data/z", "data/b/c/3", "data/a", "data/b/2", "other/x"] {
            try await store.write(uri(path), bytes: Array(path.utf8), contentType: nil)
        }
        let listing = try await store.list(uri("data"), delimiter: nil)
        #expect(listing.objects.map(\.uri.path) == ["data/a", "data/b/2", "data/b/c/3", "data/z"])
        #expect(listing.objects.map(\.size) == [6, 8, 10, 6])
        #expect(listing.prefixes.isEmpty)
        let all = try await store.list(StorageURI(bucket: "bkt"), delimiter: nil)
        #expect(all.objects.count == 5)
    }

    @Test("list with delimiter '/' gives the objects directly under, and prefixes that hold objects")
    func listWithDelimiter() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        for path in ["data/z", "data/b/c/3", "data/a", "data/b/2", "data/d/deep/x"] {
            try await store.write(uri(path), bytes: [0], contentType: nil)
        }
        // An empty folder is no prefix: Cloud Storage has no empty folders.
        try FileManager.default.createDirectory(atPath: folder.path + "/local/storage/bkt/data/empty/inner",
                                                withIntermediateDirectories: true)
        let listing = try await store.list(uri("data"), delimiter: "/")
        #expect(listing.objects.map(\.uri.path) == ["data/a", "data/z"])
        #expect(listing.prefixes.map(\.path) == ["data/b", "data/d"])
        let missing = try await store.list(uri("absent"), delimiter: "/")
        #expect(missing.objects.isEmpty && missing.prefixes.isEmpty)
    }
}

@Suite("Local object store names")
struct LocalObjectStoreNameTests {
    @Test("an object name that would leave storage/ is refused as invalid")
    func traversal() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = LocalObjectStore(layout: folder.layout, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) {
            try await store.write(StorageURI(bucket: "bkt", path: "../../escape"), bytes: [1], contentType: nil)
        }
        #expect(error?.code == "invalid")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/escape"))
    }
}
