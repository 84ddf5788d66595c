import StewardGit
import Testing

@Suite("Tree id without a sub-path")
struct TreeExclusionTests {
    /// An image context with a modules folder inside it, committed once.
    private func makeContext(_ scratch: Scratch) throws -> String {
        try scratch.initRepository("repo")
        try scratch.write("repo/ctx/Dockerfile", "FROM python:3.11\n")
        try scratch.write("repo/ctx/app/main.py", "print('train')\n")
        try scratch.write("repo/ctx/entry.sh", "#!/bin/sh\n", executable: true)
        try scratch.symlink("repo/ctx/latest", to: "app/main.py")
        try scratch.write("repo/ctx/modules/model.py", "LAYERS = 3\n")
        try scratch.write("repo/ctx/modules/sub/preprocessing.py", "SCALE = 255\n")
        try scratch.write("repo/ctx/deep/only/modules/m.py", "x = 1\n")
        try scratch.write("repo/outside.txt", "not in the context\n")
        return try scratch.commitAll("repo", message: "context")
    }

    @Test("a change only under the modules folder keeps the id")
    func modulesOnlyChangeKeepsID() async throws {
        try await Scratch.with { scratch in
            let before = try #require(CommitID(hex: try makeContext(scratch)))
            try scratch.write("repo/ctx/modules/model.py", "LAYERS = 4\n")
            try scratch.write("repo/ctx/modules/new.py", "NEW = True\n")
            try scratch.remove("repo/ctx/modules/sub")
            try scratch.write("repo/outside.txt", "changed outside the context\n")
            let after = try #require(CommitID(hex: try scratch.commitAll("repo")))
            let repository = try GitRepository.open(at: scratch.path("repo"))

            // The plain tree id moved, so the stable one staying put is not an accident.
            #expect(try await repository.treeID(of: "ctx", at: before) != (try await repository.treeID(of: "ctx", at: after)))
            #expect(try await repository.treeID(of: "ctx", excluding: "ctx/modules", at: before)
                == (try await repository.treeID(of: "ctx", excluding: "ctx/modules", at: after)))
        }
    }

    @Test("a change elsewhere in the context changes the id, and a revert restores it")
    func contextChangeAndRevert() async throws {
        try await Scratch.with { scratch in
            let original = try #require(CommitID(hex: try makeContext(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let originalID = try await repository.treeID(of: "ctx", excluding: "ctx/modules", at: original)

            let changes: [(String, () throws -> Void)] = [
                ("content", { try scratch.write("repo/ctx/app/main.py", "print('train v2')\n") }),
                ("new file", { try scratch.write("repo/ctx/app/extra.py", "\n") }),
                ("exec bit", { try scratch.write("repo/ctx/entry.sh", "#!/bin/sh\n", executable: false) }),
                ("symlink target", { try scratch.remove("repo/ctx/latest"); try scratch.symlink("repo/ctx/latest", to: "Dockerfile") }),
            ]
            var seen: Set<String> = [originalID]
            for (name, change) in changes {
                try change()
                let changed = try #require(CommitID(hex: try scratch.commitAll("repo", message: name)))
                let changedID = try await repository.treeID(of: "ctx", excluding: "ctx/modules", at: changed)
                #expect(!seen.contains(changedID), "\(name) must give a new id")
                seen.insert(changedID)
            }

            try scratch.git(["revert", "--no-edit", "\(original.hex)..HEAD"], in: "repo")
            let reverted = try #require(CommitID(hex: try scratch.git(["rev-parse", "HEAD"], in: "repo")))
            #expect(reverted != original)
            #expect(try await repository.treeID(of: "ctx", excluding: "ctx/modules", at: reverted) == originalID)
        }
    }

    @Test(
        "equals the tree id git writes when the sub-path is removed, without writing it",
        arguments: [
            ("ctx", "ctx/modules"),
            ("ctx", "ctx/modules/sub/preprocessing.py"),
            ("ctx", "ctx/deep/only/modules"),  // leaves 'deep' empty: git drops it
            ("ctx", "ctx/Dockerfile"),
            ("", "ctx/modules"),
            ("ctx/app", "ctx/app/main.py"),  // leaves the folder itself empty
        ]
    )
    func equalsGitsTreeID(folder: String, excluded: String) async throws {
        try await Scratch.with { scratch in
            let head = try #require(CommitID(hex: try makeContext(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let computed = try await repository.treeID(of: folder, excluding: excluded, at: head)
            let emptyTree = try scratch.git(["hash-object", "-t", "tree", "/dev/null"], in: "repo")
            if computed != emptyTree {
                // Nothing was written to the object database (git knows the empty tree
                // without storing it, so that one cannot be checked this way).
                #expect(try scratch.gitStatus(["cat-file", "-e", computed], in: "repo") != 0)
            }

            try scratch.git(["rm", "-r", "-q", excluded], in: "repo")
            try scratch.git(["commit", "-q", "-m", "remove \(excluded)"], in: "repo")
            let expected: String
            if try scratch.gitStatus(["cat-file", "-e", "HEAD:\(folder)"], in: "repo") == 0 {
                expected = try scratch.git(["rev-parse", "HEAD:\(folder)"], in: "repo")
            } else {
                // Git removed the folder itself; its content is the empty tree.
                expected = emptyTree
            }
            #expect(computed == expected)
        }
    }

    @Test("a sub-path that is absent or outside the folder leaves the folder's own id")
    func absentSubPath() async throws {
        try await Scratch.with { scratch in
            let head = try #require(CommitID(hex: try makeContext(scratch)))
            let repository = try GitRepository.open(at: scratch.path("repo"))
            let plain = try scratch.git(["rev-parse", "HEAD:ctx"], in: "repo")

            #expect(try await repository.treeID(of: "ctx", excluding: "ctx/no-such-folder", at: head) == plain)
            #expect(try await repository.treeID(of: "ctx", excluding: "ctx/Dockerfile/below-a-file", at: head) == plain)
            #expect(try await repository.treeID(of: "ctx", excluding: "outside.txt", at: head) == plain)
            #expect(try await repository.treeID(of: "ctx", excluding: "ctx-other/modules", at: head) == plain)
            await #expect(throws: GitError.pathNotFound(path: "nope", commit: head)) {
                try await repository.treeID(of: "nope", excluding: "nope/modules", at: head)
            }
        }
    }
}
