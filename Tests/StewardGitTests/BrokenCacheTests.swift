import Foundation
import Logging
import StewardCore
import StewardGit
import Synchronization
import Testing

/// A remote's cache that cannot be read (a killed fetch, a full disk) is moved aside for a post-mortem and
/// cloned afresh; a remote that cannot be reached leaves a sound cache alone.
@Suite("Broken git caches")
struct BrokenCacheTests {
    /// Records warnings, so a test sees what a user would on standard error.
    final class Warnings: LogHandler, @unchecked Sendable {
        let lines = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.withLock { $0.append("\(event.message)") } }
    }

    /// A bare remote with `manifests/a.yaml` on `main`, cloned once into `cache/`; returns the head and the cache folder.
    private func cloned(_ scratch: Scratch) async throws -> (head: String, cache: String, url: String) {
        try scratch.git(["init", "-q", "--bare", "-b", "main", scratch.path("remote.git")], in: "")
        try scratch.initRepository("work")
        try scratch.git(["remote", "add", "origin", scratch.path("remote.git")], in: "work")
        try scratch.write("work/manifests/a.yaml", "kind: Pipeline\nmetadata: {name: train}\n")
        try scratch.write("work/data/readme.txt", "data\n")
        let head = try scratch.commitAll("work", message: "first")
        try scratch.git(["push", "-q", "origin", "main"], in: "work")
        let url = "file://" + scratch.path("remote.git")
        let repository = try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"))
        return (head, repository.path, url)
    }

    private func packs(in cache: String) throws -> [String] {
        let folder = cache + "/objects/pack"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pack") }.map { folder + "/" + $0 }
    }

    private func moved(_ cache: String) throws -> [String] {
        let folder = (cache as NSString).deletingLastPathComponent
        let name = (cache as NSString).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name + ".broken-") }
    }

    @Test("truncated packs: the cache is moved aside, cloned again, and says where it went")
    func truncatedPack() async throws {
        try await Scratch.with { scratch in
            let (head, cache, url) = try await cloned(scratch)
            let pack = try #require(try packs(in: cache).first)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: pack)[.size] as? Int)
            #expect(truncate(pack, off_t(size / 2)) == 0)

            let warnings = Warnings()
            let repository = try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"),
                                                                logger: Logger(label: "test") { _ in warnings })
            #expect(try await repository.resolve().hex == head)
            let aside = try moved(cache)
            #expect(aside.count == 1)
            let said = warnings.lines.withLock { $0 }
            let name = try #require(aside.first)
            #expect(said.contains { $0.contains("moved it to") && $0.contains(name) }, "\(said)")
        }
    }

    @Test("a corrupted blob found while reading: the cache is cloned again and the read succeeds")
    func corruptedBlob() async throws {
        try await Scratch.with { scratch in
            let (head, cache, url) = try await cloned(scratch)
            let pack = try #require(try packs(in: cache).first)
            // Where the manifest's blob lies in the pack, from `git verify-pack -v`: id, type, size, size in pack, offset.
            let blob = try scratch.git(["rev-parse", "HEAD:manifests/a.yaml"], in: "work").trimmingCharacters(in: .whitespacesAndNewlines)
            let listing = try scratch.git(["verify-pack", "-v", String(pack.dropLast(".pack".count)) + ".idx"], in: "")
            let fields = try #require(listing.split(separator: "\n").first { $0.hasPrefix(blob) }).split(separator: " ", omittingEmptySubsequences: true)
            let length = try #require(Int(fields[3])), offset = try #require(Int(fields[4]))
            var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: pack)))
            for index in (offset + 2)..<(offset + length) { bytes[index] ^= 0x5A }
            try Data(bytes).write(to: URL(fileURLWithPath: pack))

            let source = try await LibGit2Source.remote(url: url, cacheDirectory: scratch.path("cache"), token: nil,
                                                         logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            #expect(try moved(cache).isEmpty, "the branches and trees still read")
            let files = try await source.manifestFiles(under: RepositoryPath(unchecked: "manifests"), at: head, maximumSize: 1 << 20)
            #expect(files.map(\.path) == ["manifests/a.yaml"])
            #expect(files.first?.bytes == Array("kind: Pipeline\nmetadata: {name: train}\n".utf8))
            #expect(try moved(cache).count == 1)
        }
    }

    @Test("a file where the cache folder should be is moved aside, not an error")
    func cacheFolderIsAFile() async throws {
        try await Scratch.with { scratch in
            let (head, _, url) = try await cloned(scratch)
            try FileManager.default.removeItem(atPath: scratch.path("cache"))
            try scratch.write("cache", "not a folder\n")
            let repository = try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"))
            #expect(try await repository.resolve().hex == head)
            let aside = try FileManager.default.contentsOfDirectory(atPath: scratch.root).filter { $0.hasPrefix("cache.broken-") }
            #expect(aside.count == 1)
            #expect(try String(contentsOfFile: scratch.path(try #require(aside.first)), encoding: .utf8) == "not a folder\n")
        }
    }

    @Test("a remote that cannot be reached leaves a sound cache where it is")
    func unreachableRemoteKeepsCache() async throws {
        try await Scratch.with { scratch in
            let (head, cache, url) = try await cloned(scratch)
            try FileManager.default.moveItem(atPath: scratch.path("remote.git"), toPath: scratch.path("gone.git"))
            await #expect(throws: GitError.self) {
                _ = try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"))
            }
            #expect(try moved(cache).isEmpty)
            let kept = try GitRepository.open(at: cache)
            #expect(try await kept.resolve("refs/remotes/origin/main").hex == head)
        }
    }

    @Test("only the newest few moved-aside caches are kept")
    func boundedCopies() async throws {
        try await Scratch.with { scratch in
            let (_, cache, url) = try await cloned(scratch)
            for _ in 0..<5 {
                let pack = try #require(try packs(in: cache).first)
                #expect(truncate(pack, 64) == 0)
                _ = try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"))
            }
            #expect(try moved(cache).count == 3)
        }
    }
}
