import Foundation
import StewardGit
import Synchronization
import Testing

@Suite("Following a branch for steward serve")
struct BranchTrackerTests {
    final class Fetches: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        @Sendable func note(_: Duration) { count.withLock { $0 += 1 } }
    }

    @Test("a remote branch is fetched only when it moved")
    func fetchesOnlyWhenMoved() async throws {
        try await Scratch.with { scratch in
            try scratch.git(["init", "-q", "--bare", "-b", "main", scratch.path("remote.git")], in: "")
            try scratch.initRepository("work")
            try scratch.git(["remote", "add", "origin", scratch.path("remote.git")], in: "work")
            try scratch.write("work/manifests/a.yaml", "kind: Pipeline\n")
            let first = try scratch.commitAll("work", message: "first")
            try scratch.git(["push", "-q", "origin", "main"], in: "work")

            let repository = try await GitRepository.openRemote(url: "file://" + scratch.path("remote.git"),
                                                                cacheDirectory: scratch.path("cache"))
            #expect(try await repository.headBranch() == "main")
            let tracker = BranchTracker(repository: repository, branch: "main")
            let fetches = Fetches()
            #expect(try await tracker.current(fetched: fetches.note) == first)
            #expect(try await tracker.current(fetched: fetches.note) == first)
            #expect(fetches.value == 0)

            try scratch.write("work/manifests/b.yaml", "kind: Dataset\n")
            let second = try scratch.commitAll("work", message: "second")
            try scratch.git(["push", "-q", "origin", "main"], in: "work")
            #expect(try await tracker.current(fetched: fetches.note) == second)
            #expect(fetches.value == 1)
            #expect(try await tracker.current(fetched: fetches.note) == second)
            #expect(fetches.value == 1)

            let missing = BranchTracker(repository: repository, branch: "no-such-branch")
            await #expect(throws: GitError.self) { try await missing.current(fetched: fetches.note) }
        }
    }

    @Test("a local branch is read again on every call; the checked-out branch is the default")
    func local() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("work")
            try scratch.write("work/manifests/a.yaml", "kind: Pipeline\n")
            let first = try scratch.commitAll("work", message: "first")
            let repository = try GitRepository.open(at: scratch.path("work"))
            let branch = try #require(try await repository.headBranch())
            let tracker = BranchTracker(repository: repository, branch: branch)
            let fetches = Fetches()
            #expect(try await tracker.current(fetched: fetches.note) == first)
            try scratch.write("work/manifests/b.yaml", "kind: Dataset\n")
            let second = try scratch.commitAll("work", message: "second")
            #expect(try await tracker.current(fetched: fetches.note) == second)
            #expect(fetches.value == 0)

            try scratch.git(["checkout", "-q", "--detach", "HEAD"], in: "work")
            #expect(try await repository.headBranch() == nil)
        }
    }
}
