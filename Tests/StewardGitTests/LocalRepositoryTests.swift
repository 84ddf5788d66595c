import Foundation
import StewardGit
import StewardRuntime
import StewardCore
import Testing

@Suite("Local repository")
struct LocalRepositoryTests {
    /// A repository with nested folders, an executable and a symbolic link.
    private func makeNested(_ scratch: Scratch) throws -> String {
        try scratch.initRepository("repo")
        try scratch.write("repo/top.txt", "top\n")
        try scratch.write("repo/a/x.txt", "x content\n")
        try scratch.write("repo/a/b/c.txt", "deep c\n")
        try scratch.write("repo/a/b/d/e.yaml", "kind: Pipeline\n")
        try scratch.write("repo/a/run.sh", "#!/bin/sh\necho hi\n", executable: true)
        try scratch.symlink("repo/a/link", to: "x.txt")
        try scratch.write("repo/ab/other.txt", "sibling with a shared prefix\n")
        return try scratch.commitAll("repo", message: "nested folders")
    }

    @Test("lists nested folders recursively with blob ids, sizes and modes")
    func listsNestedFolders() async throws {
        try await Scratch.with { scratch in
            let head = try #require(CommitID(hex: try makeNested(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let files = try await repository.listFiles(under: "a", at: head)

            #expect(Set(files.map(\.path)) == ["a/x.txt", "a/b/c.txt", "a/b/d/e.yaml", "a/run.sh", "a/link"])
            for file in files {
                #expect(file.blobID == (try scratch.git(["rev-parse", "HEAD:\(file.path)"], in: "repo")))
            }
            let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
            #expect(byPath["a/x.txt"]?.size == "x content\n".utf8.count)
            #expect(byPath["a/x.txt"]?.mode == .regular)
            #expect(byPath["a/run.sh"]?.mode == .executable)
            #expect(byPath["a/link"]?.mode == .symlink)
            #expect(byPath["a/link"]?.size == "x.txt".utf8.count)

            let all = try await repository.listFiles(under: "", at: head)
            #expect(all.count == 7)
            let trailing = try await repository.listFiles(under: "./a/b/", at: head)
            #expect(Set(trailing.map(\.path)) == ["a/b/c.txt", "a/b/d/e.yaml"])
        }
    }

    @Test("reads files one by one and in a batch with the committed bytes")
    func readsFiles() async throws {
        try await Scratch.with { scratch in
            let head = try #require(CommitID(hex: try makeNested(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))

            #expect(try await repository.readFile("a/b/c.txt", at: head) == Array("deep c\n".utf8))
            #expect(try await repository.readFile("a/link", at: head) == Array("x.txt".utf8))
            let blob = try scratch.git(["rev-parse", "HEAD:top.txt"], in: "repo")
            #expect(try await repository.readBlob(blob) == Array("top\n".utf8))

            let batch = try await repository.readFiles(under: "a/b", at: head)
            let contents = Dictionary(uniqueKeysWithValues: batch.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
            #expect(contents == ["a/b/c.txt": "deep c\n", "a/b/d/e.yaml": "kind: Pipeline\n"])
        }
    }

    @Test("tree ids match the ones git prints")
    func treeIDsMatchGit() async throws {
        try await Scratch.with { scratch in
            let head = try #require(CommitID(hex: try makeNested(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))

            #expect(try await repository.treeID(of: "a/b", at: head) == (try scratch.git(["rev-parse", "HEAD:a/b"], in: "repo")))
            #expect(try await repository.treeID(of: "", at: head) == (try scratch.git(["rev-parse", "HEAD^{tree}"], in: "repo")))
            #expect(try await repository.treeID(of: "missing", at: head) == nil)
            #expect(try await repository.treeID(of: "top.txt", at: head) == nil)
        }
    }

    @Test("opens from a subfolder and resolves HEAD, branches, tags and short ids")
    func resolvesRevisions() async throws {
        try await Scratch.with { scratch in
            let first = try makeNested(scratch)
            try scratch.git(["tag", "light"], in: "repo")
            try scratch.write("repo/top.txt", "second\n")
            let second = try scratch.commitAll("repo", message: "second")
            try scratch.git(["tag", "-a", "v1.0", "-m", "annotated release"], in: "repo")
            try scratch.git(["branch", "old", first], in: "repo")
            let tagObject = try scratch.git(["rev-parse", "v1.0"], in: "repo")

            let repository = try GitRepository.open(at: scratch.path("repo/a/b"))
            #expect(try await repository.resolve().hex == second)
            #expect(try await repository.resolve("HEAD").hex == second)
            #expect(try await repository.resolve("main").hex == second)
            #expect(try await repository.resolve("old").hex == first)
            #expect(try await repository.resolve("light").hex == first)
            // The annotated tag is its own object: resolve peels it to the commit.
            #expect(tagObject != second)
            #expect(try await repository.resolve("v1.0").hex == second)
            #expect(try await repository.resolve(String(first.prefix(7))).hex == first)
            #expect(try await repository.resolve(first.uppercased()).hex == first)
            #expect(try await repository.resolve("HEAD~1").hex == first)
        }
    }

    @Test("a local repository finds origin/<branch> when the local branch is missing")
    func resolvesRemoteTrackingBranch() async throws {
        try await Scratch.with { scratch in
            _ = try makeNested(scratch)
            try scratch.git(["checkout", "-q", "-b", "feature"], in: "repo")
            try scratch.write("repo/feature.txt", "feature\n")
            let feature = try scratch.commitAll("repo", message: "feature")
            try scratch.git(["clone", "-q", scratch.path("repo"), scratch.path("clone")], in: "")

            let clone = try GitRepository.open(at: scratch.path("clone"))
            #expect(try await clone.resolve("feature").hex == feature)
        }
    }

    @Test("describes a commit as git log does")
    func describesCommit() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/file.txt", "one\n")
            try scratch.git(["add", "-A"], in: "repo")
            try scratch.git(["commit", "-q", "-m", "Add the first file\n\nWith a body."], in: "repo")
            let fields = try scratch.git(["log", "-1", "--format=%H%n%s%n%an%n%ae%n%at"], in: "repo")
                .split(separator: "\n").map(String.init)
            let id = try #require(CommitID(hex: fields[0]))

            let info = try await GitRepository.open(at: scratch.path("repo")).commit(id)
            #expect(info.id == id)
            #expect(info.summary == fields[1])
            #expect(info.authorName == fields[2])
            #expect(info.authorEmail == fields[3])
            #expect(info.time == Date(timeIntervalSince1970: TimeInterval(try #require(Int(fields[4])))))
        }
    }

    @Test("an unknown revision names it and says what to do")
    func unknownRevision() async throws {
        try await Scratch.with { scratch in
            _ = try makeNested(scratch)
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let error = await #expect(throws: GitError.self) { try await repository.resolve("no-such-branch") }
            #expect(error == .unknownRevision("no-such-branch"))
            #expect(error?.description == "unknown revision 'no-such-branch'; use a branch, tag or commit id"
                + " that exists in the repository (fetch first if it was pushed recently)")
            await #expect(throws: GitError.unknownRevision("deadbeefdeadbeefdeadbeefdeadbeefdeadbeef")) {
                try await repository.commit(CommitID(hex: "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef")!)
            }
        }
    }

    @Test("a folder outside any repository is refused with a hint")
    func notARepository() async throws {
        try await Scratch.with { scratch in
            try FileManager.default.createDirectory(atPath: scratch.path("plain"), withIntermediateDirectories: true)
            let error = #expect(throws: GitError.self) { try GitRepository.open(at: scratch.path("plain")) }
            #expect(error?.description == "'\(scratch.path("plain"))' is not a git repository; run 'git init' or pass --repo")
        }
    }

    @Test("a path missing from the tree names the path and the short commit")
    func pathNotInTree() async throws {
        try await Scratch.with { scratch in
            let head = try makeNested(scratch)
            let id = try #require(CommitID(hex: head))
            let repository = try GitRepository.open(at: scratch.path("repo"))

            let error = await #expect(throws: GitError.self) { try await repository.listFiles(under: "examples/x", at: id) }
            #expect(error?.description
                == "'examples/x' does not exist at commit \(head.prefix(7)); check the path, relative to the repository root")
            await #expect(throws: GitError.pathNotFound(path: "a/nope.txt", commit: id)) {
                try await repository.readFile("a/nope.txt", at: id)
            }
            await #expect(throws: GitError.notAFile(path: "a/b", commit: id)) {
                try await repository.readFile("a/b", at: id)
            }
            await #expect(throws: GitError.invalidPath("../outside")) {
                try await repository.listFiles(under: "../outside", at: id)
            }
        }
    }

    @Test("a repository opened locally has no remote to fetch")
    func localHasNoRemote() async throws {
        try await Scratch.with { scratch in
            _ = try makeNested(scratch)
            let repository = try GitRepository.open(at: scratch.path("repo"))
            #expect(!repository.isRemote)
            await #expect(throws: GitError.noRemote(path: scratch.path("repo"))) { try await repository.fetch() }
        }
    }
}

@Suite("Git errors as reconcile errors")
struct GitErrorRuntimeTests {
    @Test("a path the manifests name that is missing is terminal; an unreachable remote is tried again")
    func dispositions() throws {
        let commit = try #require(CommitID(hex: String(repeating: "a", count: 40)))
        let missing = RuntimeError.classifying(GitError.pathNotFound(path: "training/Dockerfile", commit: commit))
        #expect(missing.code == "invalid")
        #expect(missing.isTerminal)
        #expect(missing.message.contains("training/Dockerfile"))
        let remote = RuntimeError.classifying(GitError.unreachableRemote(url: "https://example.com/r.git", message: "timed out"))
        #expect(remote.code == "unavailable")
        #expect(!remote.isTerminal)
        #expect(!RuntimeError.classifying(GitError.libgit2(code: -1, message: "invalid literal/lengths set")).isTerminal)
    }
}

@Suite("Oversized files")
struct OversizedFileTests {
    @Test("a blob over the limit is not read: its size comes from the object header")
    func sizeWithoutContent() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/manifests/small.yaml", "kind: Dataset\n")
            try scratch.write("repo/manifests/huge.yaml", String(repeating: "# padding line\n", count: 200_000))
            let head = try #require(CommitID(hex: try scratch.commitAll("repo")))
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let files = try await repository.readFiles(under: "manifests", at: head, maximumSize: 1 << 20)
            let huge = try #require(files.first { $0.path == "manifests/huge.yaml" })
            #expect(huge.size == 3_000_000)
            #expect(huge.bytes == nil)
            let small = try #require(files.first { $0.path == "manifests/small.yaml" })
            #expect(small.bytes == Array("kind: Dataset\n".utf8))

            let source = LibGit2Source(repository: repository)
            let read = try await source.manifestFiles(under: RepositoryPath(unchecked: "manifests"), at: head.hex, maximumSize: 1 << 20)
            #expect(read.first { $0.path == "manifests/huge.yaml" }?.isUnread == true)
            #expect(read.first { $0.path == "manifests/huge.yaml" }?.size == 3_000_000)
        }
    }
}

@Suite("Paths quoted as git quotes them")
struct QuotedPathTests {
    static let names = ["plain.yaml", "with space.yaml", "new\nline.yaml", "tab\there.yaml", "quote\"d.yaml",
                        "back\\slash.yaml", "evil\u{202E}lmay.yaml", "caf\u{E9}.yaml", "bell\u{07}.yaml", "del\u{7F}.yaml"]

    @Test("every name comes out as `git ls-files` prints it")
    func sameAsGit() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            for name in Self.names { try scratch.write("repo/" + name, "x\n") }
            _ = try scratch.commitAll("repo")
            let listed = try scratch.git(["ls-files"], in: "repo").split(separator: "\n").map(String.init)
            #expect(Set(listed) == Set(Self.names.map(QuotedPath.quote)))
            #expect(QuotedPath.quote("plain.yaml") == "plain.yaml")
            #expect(QuotedPath.quote("new\nline.yaml") == "\"new\\nline.yaml\"")
        }
    }

    @Test("a diagnostic stays one line, whatever its path holds")
    func oneLine() {
        let diagnostic = Diagnostic(at: SourceLocation(path: "manifests/a\nb.yaml", line: 3, column: 9), "unknown field 'x'")
        #expect(diagnostic.description == "\"manifests/a\\nb.yaml\":3:9: error: unknown field 'x'")
        #expect(!diagnostic.description.contains("\n"))
    }
}
