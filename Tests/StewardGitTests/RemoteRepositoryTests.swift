import Foundation
import StewardGit
import Testing

@Suite("Remote repository cache")
struct RemoteRepositoryTests {
    /// A bare "remote" with branch `main` pushed from the work tree `work`.
    private func makeRemote(_ scratch: Scratch) throws -> String {
        try scratch.git(["init", "-q", "--bare", "-b", "main", scratch.path("remote.git")], in: "")
        try scratch.initRepository("work")
        try scratch.git(["remote", "add", "origin", scratch.path("remote.git")], in: "work")
        try scratch.write("work/manifests/a.yaml", "kind: Pipeline\n")
        let head = try scratch.commitAll("work", message: "first")
        try scratch.git(["push", "-q", "origin", "main"], in: "work")
        return head
    }

    @Test(
        "clones into a cache, then sees a new pushed commit after fetching",
        arguments: ["file://", ""]
    )
    func cloneThenFetch(urlPrefix: String) async throws {
        try await Scratch.with { scratch in
            let first = try makeRemote(scratch)
            let url = urlPrefix + scratch.path("remote.git")
            let cache = scratch.path("cache")

            let repository = try await GitRepository.openRemote(url: url, cacheDirectory: cache)
            #expect(repository.isRemote)
            #expect(repository.isBare)
            #expect(try await repository.resolve().hex == first)
            #expect(try await repository.resolve("main").hex == first)
            let head = try #require(CommitID(hex: first))
            #expect(try await repository.readFile("manifests/a.yaml", at: head) == Array("kind: Pipeline\n".utf8))

            try scratch.write("work/manifests/b.yaml", "kind: Dataset\n")
            let second = try scratch.commitAll("work", message: "second")
            try scratch.git(["push", "-q", "origin", "main"], in: "work")

            // Listing the remote sees the push before any fetch; the cache does not yet.
            #expect(try await repository.remoteBranchHead("main") == second)
            #expect(try await repository.resolve("main").hex == first)
            try await repository.fetch()
            #expect(try await repository.resolve("main").hex == second)
            #expect(try await repository.resolve().hex == second)

            // One cache folder for the URL, no leftovers of the clone, and reopening reuses it.
            let entries = try FileManager.default.contentsOfDirectory(atPath: cache)
            #expect(entries.count == 1)
            let reopened = try await GitRepository.openRemote(url: url, cacheDirectory: cache)
            #expect(reopened.path == repository.path)
            #expect(try await reopened.resolve("main").hex == second)
        }
    }

    @Test("a force-pushed branch still fetches and resolves to the rewritten commit")
    func forcePush() async throws {
        try await Scratch.with { scratch in
            _ = try makeRemote(scratch)
            try scratch.write("work/manifests/b.yaml", "kind: Dataset\n")
            let original = try scratch.commitAll("work", message: "to be rewritten")
            try scratch.git(["push", "-q", "origin", "main"], in: "work")
            let cache = scratch.path("cache")
            let repository = try await GitRepository.openRemote(url: "file://" + scratch.path("remote.git"), cacheDirectory: cache)
            #expect(try await repository.resolve("main").hex == original)

            try scratch.git(["reset", "-q", "--hard", "HEAD~1"], in: "work")
            try scratch.write("work/manifests/c.yaml", "kind: Endpoint\n")
            let rewritten = try scratch.commitAll("work", message: "rewritten history")
            try scratch.git(["push", "-q", "--force", "origin", "main"], in: "work")
            #expect(try scratch.gitStatus(["merge-base", "--is-ancestor", original, rewritten], in: "work") != 0)

            // A later openRemote fetches on its own.
            let again = try await GitRepository.openRemote(url: "file://" + scratch.path("remote.git"), cacheDirectory: cache)
            #expect(try await again.resolve("main").hex == rewritten)
            #expect(try await repository.resolve("main").hex == rewritten)
        }
    }

    @Test("branches, tags and the remote's default branch resolve in the cache")
    func branchesAndTags() async throws {
        try await Scratch.with { scratch in
            let first = try makeRemote(scratch)
            try scratch.git(["tag", "-a", "v1", "-m", "release one"], in: "work")
            try scratch.git(["tag", "light"], in: "work")
            try scratch.git(["checkout", "-q", "-b", "feature"], in: "work")
            try scratch.write("work/feature.txt", "feature\n")
            let feature = try scratch.commitAll("work", message: "feature")
            try scratch.git(["push", "-q", "origin", "feature", "--tags"], in: "work")

            let repository = try await GitRepository.openRemote(
                url: "file://" + scratch.path("remote.git"), cacheDirectory: scratch.path("cache")
            )
            #expect(try await repository.resolve("HEAD").hex == first)
            #expect(try await repository.resolve("feature").hex == feature)
            #expect(try await repository.resolve("origin/feature").hex == feature)
            #expect(try await repository.resolve("v1").hex == first)
            #expect(try await repository.resolve("light").hex == first)
            #expect(try await repository.resolve(String(feature.prefix(7))).hex == feature)
            #expect(try await repository.remoteBranchHead("feature") == feature)
            #expect(try await repository.remoteBranchHead("HEAD") == first)
            #expect(try await repository.remoteBranchHead("no-such-branch") == nil)
            await #expect(throws: GitError.unknownRevision("no-such-branch")) {
                try await repository.resolve("no-such-branch")
            }
        }
    }

    @Test("an unreachable remote fails clearly, leaves no cache and never shows the token")
    func unreachableRemote() async throws {
        try await Scratch.with { scratch in
            let cache = scratch.path("cache")
            let missing = "file://" + scratch.path("no-such-remote.git")
            let error = await #expect(throws: GitError.self) {
                try await GitRepository.openRemote(url: missing, cacheDirectory: cache, token: "unused-token")
            }
            guard case .unreachableRemote(let url, _) = error else {
                Issue.record("expected unreachableRemote, got \(String(describing: error))")
                return
            }
            #expect(url == missing)
            #expect(error?.description.hasPrefix("cannot fetch from '\(missing)': ") == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache).isEmpty)

            // Nothing listens on port 1: the connection is refused at once, whatever the
            // credentials; the token and the password in the URL must stay hidden.
            let secret = "ghp_SECRET0123456789"
            let withCredentials = "https://x-access-token:\(secret)@127.0.0.1:1/org/repo.git"
            let refused = await #expect(throws: GitError.self) {
                try await GitRepository.openRemote(url: withCredentials, cacheDirectory: cache, token: secret)
            }
            let message = try #require(refused?.description)
            #expect(!message.contains(secret))
            #expect(message.contains("'https://127.0.0.1:1/org/repo.git'"))
        }
    }
}

@Suite("Remote credentials")
struct RemoteCredentialsTests {
    @Test("the token goes out as the password of x-access-token, once, and never into the error")
    func tokenIsSentOnceAndRedacted() async throws {
        try await Scratch.with { scratch in
            let server = try AuthRecordingServer()
            defer { server.stop() }
            let secret = "ghs_TOKEN0123456789abcdef"
            let url = "http://127.0.0.1:\(server.port)/org/private.git"

            let error = await #expect(throws: GitError.self) {
                try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"), token: secret)
            }
            let message = try #require(error?.description)
            #expect(message.contains("refused the access token"))
            #expect(!message.contains(secret))

            let expected = "Basic " + Data("x-access-token:\(secret)".utf8).base64EncodedString()
            let sent = server.authorizations
            #expect(sent.contains(expected))
            // Refused once, the callback gives up instead of asking forever.
            #expect(sent.filter { $0 == expected }.count == 1)
        }
    }

    @Test("without a token no credentials are sent and the error says so")
    func noToken() async throws {
        try await Scratch.with { scratch in
            let server = try AuthRecordingServer()
            defer { server.stop() }
            let url = "http://127.0.0.1:\(server.port)/org/private.git"

            let error = await #expect(throws: GitError.self) {
                try await GitRepository.openRemote(url: url, cacheDirectory: scratch.path("cache"))
            }
            guard case .unreachableRemote = error else {
                Issue.record("expected unreachableRemote, got \(String(describing: error))")
                return
            }
            #expect(error?.description.contains("no access token was given") == true)
            #expect(!server.authorizations.isEmpty)
            #expect(server.authorizations.allSatisfy { $0 == nil })
        }
    }
}
