import Foundation
import StewardGit
import Testing

@Suite("Changed paths and uncommitted changes")
struct ChangesTests {
    @Test("changed paths list additions, edits, deletions and both sides of a rename under the folder")
    func changedPaths() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/ctx/edit.txt", "one\n")
            try scratch.write("repo/ctx/delete.txt", "gone soon\n")
            try scratch.write("repo/ctx/old-name.txt", "a file that will be renamed, long enough to be similar\n")
            try scratch.write("repo/ctx/same.txt", "unchanged\n")
            try scratch.write("repo/ctx/mode.sh", "#!/bin/sh\n")
            try scratch.write("repo/ctx2/sibling.txt", "prefix sibling\n")
            try scratch.write("repo/other/file.txt", "outside\n")
            let from = try #require(CommitID(hex: try scratch.commitAll("repo")))

            try scratch.write("repo/ctx/edit.txt", "two\n")
            try scratch.remove("repo/ctx/delete.txt")
            try FileManager.default.createDirectory(atPath: scratch.path("repo/ctx/sub"), withIntermediateDirectories: true)
            try scratch.git(["mv", "ctx/old-name.txt", "ctx/sub/new-name.txt"], in: "repo")
            try scratch.write("repo/ctx/added/deep.txt", "new\n")
            try scratch.write("repo/ctx/mode.sh", "#!/bin/sh\n", executable: true)
            try scratch.write("repo/ctx2/sibling.txt", "changed\n")
            try scratch.write("repo/other/file.txt", "changed\n")
            let to = try #require(CommitID(hex: try scratch.commitAll("repo")))
            let repository = try GitRepository.open(at: scratch.path("repo"))

            #expect(try await repository.changedPaths(from: from, to: to, under: "ctx") == [
                "ctx/added/deep.txt", "ctx/delete.txt", "ctx/edit.txt", "ctx/mode.sh",
                "ctx/old-name.txt", "ctx/sub/new-name.txt",
            ])
            #expect(try await repository.changedPaths(from: from, to: to, under: "other") == ["other/file.txt"])
            #expect(try await repository.changedPaths(from: from, to: to, under: "").count == 8)
            #expect(try await repository.changedPaths(from: from, to: from, under: "ctx").isEmpty)
            #expect(try await repository.changedPaths(from: to, to: from, under: "ctx/sub") == ["ctx/sub/new-name.txt"])
        }
    }

    @Test("uncommitted changes count modified, untracked and staged files under the folder only")
    func uncommittedChanges() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/manifests/a.yaml", "kind: Pipeline\n")
            try scratch.write("repo/manifests/nested/b.yaml", "kind: Dataset\n")
            try scratch.write("repo/other/c.txt", "other\n")
            try scratch.write("repo/.gitignore", "*.log\n")
            try scratch.commitAll("repo")
            let repository = try GitRepository.open(at: scratch.path("repo"))

            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false, "clean")

            try scratch.write("repo/other/c.txt", "edited outside\n")
            try scratch.write("repo/other/untracked.txt", "new outside\n")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false, "change outside the folder")
            #expect(try await repository.hasUncommittedChanges(under: "other") == true)
            #expect(try await repository.hasUncommittedChanges(under: "") == true)

            try scratch.write("repo/manifests/debug.log", "ignored\n")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false, "ignored file")

            // Same size and, most likely, the same second as the commit: found by content.
            try scratch.write("repo/manifests/nested/b.yaml", "kind: Datasex\n")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == true, "modified")
            try scratch.git(["checkout", "--", "manifests"], in: "repo")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false, "restored")

            try scratch.write("repo/manifests/new/c.yaml", "kind: Endpoint\n")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == true, "untracked in a new folder")
            try scratch.git(["add", "manifests/new/c.yaml"], in: "repo")
            try scratch.remove("repo/manifests/new")
            // Staged but deleted again in the work tree: the index still differs from HEAD.
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == true, "staged")
            try scratch.git(["reset", "-q"], in: "repo")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false, "unstaged and removed")

            try scratch.git(["rm", "-q", "--cached", "manifests/a.yaml"], in: "repo")
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == true, "deletion staged")
        }
    }

    @Test("a bare repository never has uncommitted changes")
    func bareRepository() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/manifests/a.yaml", "kind: Pipeline\n")
            try scratch.commitAll("repo")
            try scratch.git(["clone", "-q", "--bare", scratch.path("repo"), scratch.path("bare.git")], in: "")
            let repository = try GitRepository.open(at: scratch.path("bare.git"))
            #expect(repository.isBare)
            #expect(try await repository.hasUncommittedChanges(under: "manifests") == false)
        }
    }
}
