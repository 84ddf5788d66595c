import Foundation
import StewardCore
import Testing

@Suite("Core values")
struct ModelTests {
    @Test("instants render as UTC ISO 8601")
    func iso8601() {
        #expect(Instant(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Instant(millisecondsSinceEpoch: 1_796_092_712_000).iso8601 == "2026-12-01T02:38:32Z")
        #expect(Instant(millisecondsSinceEpoch: 951_782_400_000).iso8601 == "2000-02-29T00:00:00Z")
    }

    @Test("durations read like a person would say them")
    func durations() {
        #expect(formatDuration(seconds: 42) == "42s")
        #expect(formatDuration(seconds: 190) == "3m 10s")
        #expect(formatDuration(seconds: 7500) == "2h 5m")
        #expect(formatDuration(seconds: 90000) == "1d 1h")
    }

    @Test("gs:// URIs parse and reject what Cloud Storage would")
    func storageURIs() {
        #expect((try? StorageURI.parse("gs://bucket/a/b/").get())?.description == "gs://bucket/a/b")
        #expect((try? StorageURI.parse("gs://bucket").get())?.path == "")
        #expect(throws: StorageURI.ParseError.notGS) { try StorageURI.parse("s3://bucket").get() }
        #expect(throws: StorageURI.ParseError.badBucket("B")) { try StorageURI.parse("gs://B/x").get() }
        #expect(throws: StorageURI.ParseError.badPath("a//b")) { try StorageURI.parse("gs://bucket/a//b").get() }
    }

    @Test("repository paths stay inside the repository")
    func repositoryPaths() {
        #expect((try? RepositoryPath.parse("./a/b/../c/").get())?.value == "a/c")
        #expect(throws: RepositoryPath.ParseError.absolute) { try RepositoryPath.parse("/etc").get() }
        #expect(throws: RepositoryPath.ParseError.leavesRepository) { try RepositoryPath.parse("a/../../b").get() }
        #expect(RepositoryPath(unchecked: "a").contains(RepositoryPath(unchecked: "a/b")))
        #expect(!RepositoryPath(unchecked: "a").contains(RepositoryPath(unchecked: "ab")))
    }

    @Test("placeholders expand exactly and unknown ones are refused with a suggestion")
    func placeholders() throws {
        let parsed = try PlaceholderString.parse("span-${spans.glob}/$${x}", known: Placeholders.pipelineParameters).get()
        #expect(try parsed.expand(["spans.glob": "1"]).get() == "span-1/${x}")
        let error = try #require(PlaceholderString.parse("${spans.globb}", known: Placeholders.pipelineParameters).failureValue)
        #expect(error.message == "unknown placeholder '${spans.globb}'")
        #expect(error.hint == "did you mean '${spans.glob}'?")
    }

    @Test("content keys ignore the order of their inputs and change with any input")
    func keys() {
        let a = ContentKey.key(["x": "1", "y": "2"])
        #expect(a == ContentKey.key(["y": "2", "x": "1"]))
        #expect(a != ContentKey.key(["x": "1", "y": "3"]))
        #expect(a.count == 32)
        #expect(ContentKey.key(["a": "b=c"]) != ContentKey.key(["a=b": "c"]))
    }

    @Test("diagnostics summarise as 'N errors in M files'")
    func summary() {
        let d = [Diagnostic(at: SourceLocation(path: "a.yaml", line: 1, column: 1), "x"),
                 Diagnostic(at: SourceLocation(path: "a.yaml", line: 2, column: 1), "y"),
                 Diagnostic(at: SourceLocation(path: "b.yaml", line: 1, column: 1), "z")]
        #expect(d.summary == "3 errors in 2 files")
        #expect(Array(d.prefix(1)).summary == "1 error in 1 file")
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("the check value of '123456789' is 0xE3069283")
    func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test("continuing a checksum equals one pass, and the fast path agrees with byte-at-a-time")
    func continuing() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        #expect(CRC32C.checksum(bytes[500...], continuing: CRC32C.checksum(bytes[..<500])) == whole)
        #expect(CRC32C.checksum(AnySequenceCollection(bytes)) == whole)
    }

    @Test("Cloud Storage's base64 form of a known checksum")
    func base64() {
        // gsutil hash of "hello world": crc32c yZRlqg==
        #expect(CRC32C.base64(CRC32C.checksum(Array("hello world".utf8))) == "yZRlqg==")
    }
}

/// A collection without contiguous storage, to exercise the slow path.
struct AnySequenceCollection: Collection {
    let base: [UInt8]
    init(_ base: [UInt8]) { self.base = base }
    var startIndex: Int { 0 }
    var endIndex: Int { base.count }
    func index(after i: Int) -> Int { i + 1 }
    subscript(i: Int) -> UInt8 { base[i] }
}

@Suite("Instants in JSON")
struct InstantCodingTests {
    @Test("an instant round-trips through RFC 3339 with milliseconds")
    func roundTrip() throws {
        let instant = Instant(millisecondsSinceEpoch: 1_796_092_712_250)
        #expect(instant.rfc3339 == "2026-12-01T02:38:32.250Z")
        #expect(Instant(rfc3339: "2026-12-01T02:38:32.250Z") == instant)
        #expect(Instant(rfc3339: "2026-12-01T02:38:32Z")?.millisecondsSinceEpoch == 1_796_092_712_000)
        #expect(Instant(rfc3339: "2000-02-29T00:00:00.5Z")?.millisecondsSinceEpoch == 951_782_400_500)
        #expect(Instant(rfc3339: "yesterday") == nil)
        let data = try JSONEncoder().encode([instant])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-12-01T02:38:32.250Z"]"#)
        #expect(try JSONDecoder().decode([Instant].self, from: data) == [instant])
    }
}

@Suite("RFC 3339 timestamps, as Steward and Google write them")
struct TimestampTests {
    @Test("RFC 3339 timestamps with fractions and offsets", arguments: [
        ("2024-05-01T12:00:00Z", Int64(1_714_564_800_000)),
        ("2024-05-01T12:00:00.123456Z", Int64(1_714_564_800_123)),
        ("2024-05-01T12:00:00.5Z", Int64(1_714_564_800_500)),
        ("2024-05-01T14:00:00.000000001+02:00", Int64(1_714_564_800_000)),
        ("1970-01-01T00:00:00Z", Int64(0)),
    ])
    func parsesTimestamps(text: String, milliseconds: Int64) {
        #expect(Instant(rfc3339: text)?.millisecondsSinceEpoch == milliseconds)
    }

    @Test("malformed timestamps are refused", arguments: ["2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z"])
    func refusesTimestamps(text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }

    @Test("formatting keeps milliseconds")
    func formats() {
        #expect(Instant(millisecondsSinceEpoch: 1_714_564_800_007).rfc3339 == "2024-05-01T12:00:00.007Z")
    }
}
