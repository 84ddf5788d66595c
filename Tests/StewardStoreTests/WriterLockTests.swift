import Foundation
import StewardCore
import StewardRuntime
import StewardStore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Single-writer lock")
struct WriterLockTests {
    let folder: TemporaryFolder
    let path: String

    init() throws {
        folder = try TemporaryFolder()
        path = folder.path("state.db")
    }

    static let apply = LockHolder(command: "steward apply", pid: 123, host: "build-host",
                                  since: Instant(millisecondsSinceEpoch: 1_795_919_912_000))
    static let serve = LockHolder(command: "steward serve", pid: 456, host: "build-host",
                                  since: Instant(millisecondsSinceEpoch: 1_795_919_972_000))

    @Test("a second acquisition is refused with a message naming the holder")
    func secondAcquisitionRefused() async throws {
        let first = try SQLiteStateStore.open(path: path)
        let second = try SQLiteStateStore.open(path: path)
        let lock = try await first.acquireLock(holder: Self.apply)

        for store in [first, second] {
            let error = try await #require(throws: StoreError.self) { try await store.acquireLock(holder: Self.serve) }
            guard case .locked(let holder) = error else {
                Issue.record("expected StoreError.locked, got \(error)")
                continue
            }
            #expect(holder == Self.apply)
            #expect(error.description == "the state store is locked by 'steward apply' (pid 123 on build-host, "
                + "since 2026-11-29T02:38:32Z); wait for it to finish, or stop it")
        }
        #expect(try await second.lockHolder() == Self.apply)
        await lock.release()
    }

    @Test("releasing lets the next writer in, and nobody is named as holder in between")
    func releaseThenAcquire() async throws {
        let store = try SQLiteStateStore.open(path: path)
        #expect(try await store.lockHolder() == nil)

        let first = try await store.acquireLock(holder: Self.apply)
        #expect(try await store.lockHolder() == Self.apply)
        await first.release()
        await first.release()  // a second release does nothing
        #expect(try await store.lockHolder() == nil)

        let next = try await store.acquireLock(holder: Self.serve)
        #expect(try await store.lockHolder() == Self.serve)
        await next.release()
    }

    @Test("a lock held by a process that dies is free afterwards", .enabled(if: Self.python != nil))
    func lockOfDeadProcess() async throws {
        let store = try SQLiteStateStore.open(path: path)
        let child = try Self.spawnLockHolder(python: try #require(Self.python), lockPath: store.lockPath)
        defer {
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()
            }
        }

        // The child plays another Steward process: it locks the file and writes its record.
        let error = try await #require(throws: StoreError.self) { try await store.acquireLock(holder: Self.apply) }
        #expect(error.description == "the state store is locked by 'steward serve' (pid \(child.processIdentifier) "
            + "on child-host, since 2026-11-29T02:38:32Z); wait for it to finish, or stop it")
        #expect(try await store.lockHolder()?.pid == child.processIdentifier)

        // Killed without a chance to clean up: its record stays in the lock file, but the OS dropped the lock.
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(try String(contentsOfFile: store.lockPath, encoding: .utf8).contains("child-host"))
        #expect(try await store.lockHolder() == nil)

        let lock = try await store.acquireLock(holder: Self.apply)
        #expect(try await store.lockHolder() == Self.apply)
        await lock.release()
    }

    /// The Python interpreter for helper processes: `STEWARD_TEST_PYTHON` (set by `make test`), else `python3` on `PATH`.
    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["STEWARD_TEST_PYTHON"] { candidates.append(configured) }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            candidates.append("\(folder)/python3")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Starts a process that takes an exclusive `flock` on `lockPath`, writes a holder record
    /// in the lock file's format, says `locked`, and sleeps; returns once it holds the lock.
    static func spawnLockHolder(python: String, lockPath: String) throws -> Process {
        let script = """
            import fcntl, json, os, sys, time
            f = open(sys.argv[1], "a+")
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            f.truncate(0)
            f.write(json.dumps({"command": "steward serve", "pid": os.getpid(), "host": "child-host",
                                "since": "2026-11-29T02:38:32Z", "sinceMilliseconds": 1795919912000}))
            f.flush()
            sys.stdout.write("locked\\n")
            sys.stdout.flush()
            time.sleep(120)
            """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: python)
        child.arguments = ["-c", script, lockPath]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        // Read the first line (pipes may deliver it in pieces); an empty read means the child exited.
        var said = ""
        while !said.contains("\n") {
            let piece = output.fileHandleForReading.availableData
            if piece.isEmpty { break }
            said += String(decoding: piece, as: UTF8.self)
        }
        guard said == "locked\n" else {
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            throw HelperFailed(message: "the lock-holding helper process did not take the lock (said '\(said)')")
        }
        return child
    }

    struct HelperFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
