import Foundation
import StewardArchive
import Testing

@Suite("tar.gz archives")
struct TarGzipTests {
    /// A long path that fits ustar's prefix + name split, and one that needs a GNU long-name entry.
    static let splitPath = String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 90) + ".txt"
    static let longPath = String(repeating: "x", count: 180) + "/" + String(repeating: "y", count: 120) + ".py"

    static let files: [TarGzip.File] = [
        (path: "Dockerfile", bytes: Array("FROM python:3.12\nCOPY . /app\n".utf8), executable: false),
        (path: "scripts/run.sh", bytes: Array("#!/bin/sh\necho hi\n".utf8), executable: true),
        (path: "models/model.py", bytes: Array("print('model')\n".utf8), executable: false),
        (path: "empty.txt", bytes: [], executable: false),
        (path: "bin/blob", bytes: (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }, executable: false),
        (path: splitPath, bytes: Array("split\n".utf8), executable: false),
        (path: longPath, bytes: Array("long\n".utf8), executable: true),
    ]

    @Test("system tar lists every file with its mode, and folders for their parents")
    func systemTarLists() throws {
        let scratch = try Scratch()
        let archive = scratch.path("context.tar.gz")
        try Data(TarGzip.pack(files: Self.files)).write(to: URL(fileURLWithPath: archive))

        let listing = try run("/usr/bin/env", ["tar", "-tzvf", archive])
        let lines = listing.split(separator: "\n").map(String.init)
        func line(for path: String) -> String? { lines.first { $0.hasSuffix(" " + path) } }

        #expect(line(for: "Dockerfile")?.hasPrefix("-rw-r--r--") == true)
        #expect(line(for: "scripts/run.sh")?.hasPrefix("-rwxr-xr-x") == true)
        #expect(line(for: "scripts/")?.hasPrefix("drwxr-xr-x") == true)
        #expect(line(for: "models/")?.hasPrefix("drwxr-xr-x") == true)
        #expect(line(for: Self.splitPath)?.hasPrefix("-rw-r--r--") == true)
        #expect(line(for: Self.longPath)?.hasPrefix("-rwxr-xr-x") == true)
        // 7 files and 5 folders (bin, models, scripts, the split path's and the long path's folders).
        #expect(lines.count == 12)
    }

    @Test("system tar extracts the same bytes and the executable bit")
    func systemTarExtracts() throws {
        let scratch = try Scratch()
        let archive = scratch.path("context.tar.gz")
        try Data(TarGzip.pack(files: Self.files)).write(to: URL(fileURLWithPath: archive))
        let target = scratch.path("out")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        _ = try run("/usr/bin/env", ["tar", "-xzf", archive, "-C", target])

        for file in Self.files {
            let extracted = try Data(contentsOf: URL(fileURLWithPath: target + "/" + file.path))
            #expect([UInt8](extracted) == file.bytes, "content of \(file.path)")
            let attributes = try FileManager.default.attributesOfItem(atPath: target + "/" + file.path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(((mode & 0o100) != 0) == file.executable, "executable bit of \(file.path)")
        }
    }

    @Test("Python's tarfile reads names, modes and sizes")
    func pythonTarfileReads() throws {
        let scratch = try Scratch()
        let archive = scratch.path("context.tar.gz")
        try Data(TarGzip.pack(files: Self.files)).write(to: URL(fileURLWithPath: archive))
        let script = """
        import sys, tarfile
        with tarfile.open(sys.argv[1], "r:gz") as t:
            for m in t.getmembers():
                print("%s %o %d %s %d %d" % ("d" if m.isdir() else "f", m.mode, m.size, m.name, m.uid, m.mtime))
        """
        let output = try run("/usr/bin/env", ["python3", "-c", script, archive])
        let rows = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for file in Self.files {
            let row = try #require(rows.first { $0[3] == file.path }, "\(file.path) missing")
            #expect(row == ["f", file.executable ? "755" : "644", String(file.bytes.count), file.path, "0", "0"])
        }
        #expect(rows.first { $0[3] == "scripts" }?.first == "d")
    }

    @Test("the same files in any order give identical bytes")
    func deterministic() throws {
        let first = try TarGzip.pack(files: Self.files)
        let second = try TarGzip.pack(files: Self.files.reversed())
        #expect(first == second)
        #expect(try TarGzip.pack(files: Array(Self.files.dropLast())) != first)
    }

    @Test("gzip round-trips and is readable by the system gunzip")
    func gzipRoundTrip() throws {
        let input = Array(String(repeating: "steward reconciles ", count: 2000).utf8) + (0..<300).map { UInt8($0 % 256) }
        let compressed = try Gzip.compress(input)
        #expect(compressed.count < input.count / 4)
        #expect(Array(compressed.prefix(2)) == [0x1f, 0x8b])
        #expect(try Gzip.decompress(compressed) == input)

        let scratch = try Scratch()
        let path = scratch.path("data.gz")
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        _ = try run("/usr/bin/env", ["gzip", "-d", path])
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.path("data")))) == input)
    }

    @Test("truncated gzip data is an error")
    func truncatedInput() throws {
        let compressed = try Gzip.compress(Array(repeating: 7, count: 10_000))
        #expect(throws: ArchiveError.truncated) { try Gzip.decompress(Array(compressed.prefix(compressed.count / 2))) }
    }

    @Test("paths that leave the archive or repeat are refused", arguments: ["/etc/passwd", "a/../b", "./a", ""])
    func invalidPaths(path: String) throws {
        #expect(throws: ArchiveError.self) { try TarGzip.pack(files: [(path: path, bytes: [1], executable: false)]) }
    }

    @Test("a path given twice is refused")
    func duplicatePath() throws {
        let file: TarGzip.File = (path: "a.txt", bytes: [1], executable: false)
        #expect(throws: ArchiveError.duplicatePath("a.txt")) { try TarGzip.pack(files: [file, file]) }
    }
}

/// A temporary folder removed when the value goes away.
final class Scratch {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "steward-archive-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { root + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

/// Runs a program and returns its standard output; a non-zero exit is an error.
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments.first ?? executable) exited \(process.terminationStatus)"])
    }
    return String(decoding: data, as: UTF8.self)
}
