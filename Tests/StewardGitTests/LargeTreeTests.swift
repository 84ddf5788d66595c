import Foundation
import StewardGit
import Testing

@Suite("Large tree")
struct LargeTreeTests {
    @Test("10,000 files are listed and read back in one batch with the right bytes")
    func tenThousandFiles() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            // git fast-import writes the 10,000 files as one pack in a fraction of a second,
            // where a work tree and `git add` take several; it also exercises packed objects.
            var expected: [String: String] = [:]
            var stream = Array("commit refs/heads/main\ncommitter Test <test@example.com> 1700000000 +0000\ndata 5\nmany\n".utf8)
            for folder in 0..<100 {
                for file in 0..<100 {
                    let path = "manifests/group-\(folder)/resource-\(file).yaml"
                    let text = "kind: Pipeline\nmetadata:\n  name: p-\(folder)-\(file)\n"
                    expected[path] = text
                    stream += Array("M 100644 inline \(path)\ndata \(text.utf8.count)\n\(text)\n".utf8)
                }
            }
            stream += Array("M 100644 inline README.md\ndata 4\nout\n\n".utf8)
            try scratch.git(["fast-import", "--quiet"], in: "repo", input: stream)
            let head = try #require(CommitID(hex: try scratch.git(["rev-parse", "main"], in: "repo")))
            #expect(try scratch.git(["ls-tree", "-r", "--name-only", "main", "manifests"], in: "repo")
                .split(separator: "\n").count == 10_000)
            let repository = try GitRepository.open(at: scratch.path("repo"))

            let files = try await repository.listFiles(under: "manifests", at: head)
            #expect(files.count == 10_000)
            #expect(Set(files.map(\.path)) == Set(expected.keys))
            #expect(files.allSatisfy { $0.size == expected[$0.path]?.utf8.count && $0.mode == .regular })

            let batch = try await repository.readFiles(under: "manifests", at: head)
            #expect(batch.count == 10_000)
            var mismatches = 0
            for file in batch where expected[file.path].map({ Array($0.utf8) }) != file.bytes { mismatches += 1 }
            #expect(mismatches == 0)
        }
    }
}
