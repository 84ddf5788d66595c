import Foundation
import GRDB
import StewardCore
import StewardRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SQLiteStateStore {
    /// Takes the single-writer lock: an exclusive, non-blocking `flock` on `<path>.lock`.
    ///
    /// The OS drops the lock when the holding process dies, so a crash never leaves a stale lock.
    /// The holder is written into the lock file (JSON) and the `lock_holder` table so that a
    /// second writer's `StoreError.locked` can name it. Each call opens the lock file anew:
    /// `flock` locks belong to an open file description, so two acquisitions in one process
    /// conflict just like two processes do.
    public func acquireLock(holder: LockHolder) async throws -> WriterLock {
        let descriptor = try openLockFile()
        var keepDescriptor = false
        defer { if !keepDescriptor { close(descriptor) } }

        // A reader probing the lock (`lockHolder()`) holds it for an instant, and a new holder
        // writes its record just after locking: a few short retries ride over both.
        var locked = false
        for attempt in 0..<Self.lockAttempts {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                locked = true
                break
            }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                throw StoreError.unreadable(path: lockPath, message: "cannot lock the file: \(String(cString: strerror(failure)))")
            }
            if attempt + 1 < Self.lockAttempts { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard locked else {
            throw StoreError.locked(by: try await recordedHolder() ?? Self.unknownHolder)
        }

        do {
            try LockFileRecord(holder).write(to: descriptor)
            try await database.writeToCompletion { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO lock_holder (id, command, pid, host, since) VALUES (1, ?, ?, ?, ?)",
                    arguments: [holder.command, holder.pid, holder.host, holder.since.millisecondsSinceEpoch])
            }
        } catch {
            _ = ftruncate(descriptor, 0)
            _ = flock(descriptor, LOCK_UN)
            throw error
        }
        keepDescriptor = true
        return FileWriterLock(descriptor: descriptor, database: database)
    }

    /// The current holder, or nil when nobody holds the lock.
    ///
    /// The lock file is probed with a non-blocking shared lock: if that succeeds nobody holds
    /// the exclusive lock, and any recorded holder is stale (a process that crashed).
    public func lockHolder() async throws -> LockHolder? {
        let descriptor = openDescriptor(lockPath, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.unreadable(path: lockPath, message: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            _ = flock(descriptor, LOCK_UN)
            return nil
        }
        return try await recordedHolder() ?? Self.unknownHolder
    }

    private static let lockAttempts = 4

    /// Named when the lock is held but its holder wrote no record (not a Steward process, or one
    /// between taking the lock and writing its record).
    private static var unknownHolder: LockHolder {
        LockHolder(command: "another process", pid: 0, host: "unknown host",
                   since: Instant(secondsSinceEpoch: Date().timeIntervalSince1970))
    }

    /// The holder as recorded by the process that holds the lock: the lock file first (written
    /// right after locking, readable even when the database is busy), then the database row.
    private func recordedHolder() async throws -> LockHolder? {
        if let data = FileManager.default.contents(atPath: lockPath), !data.isEmpty,
           let record = try? JSONDecoder().decode(LockFileRecord.self, from: data) {
            return record.holder
        }
        return try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT command, pid, host, since FROM lock_holder WHERE id = 1").map { row in
                LockHolder(command: row["command"], pid: row["pid"], host: row["host"],
                           since: Instant(millisecondsSinceEpoch: row["since"]))
            }
        }
    }

    private func openLockFile() throws -> Int32 {
        let descriptor = openDescriptor(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError.unreadable(path: lockPath, message: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}

/// `open(2)`, named apart from `SQLiteStateStore.open(path:)`.
private func openDescriptor(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, flags, mode)
    #else
    Darwin.open(path, flags, mode)
    #endif
}

/// The lock file's content while the lock is held, e.g.
/// `{"command":"steward apply","host":"ci-1","pid":123,"since":"2026-11-29T02:38:32Z","sinceMilliseconds":1795919912000}`.
///
/// `since` is for people reading the file; `sinceMilliseconds` is the exact instant.
struct LockFileRecord: Codable, Equatable {
    var command: String
    var pid: Int32
    var host: String
    var since: String
    var sinceMilliseconds: Int64

    init(_ holder: LockHolder) {
        command = holder.command
        pid = holder.pid
        host = holder.host
        since = holder.since.iso8601
        sinceMilliseconds = holder.since.millisecondsSinceEpoch
    }

    var holder: LockHolder {
        LockHolder(command: command, pid: pid, host: host, since: Instant(millisecondsSinceEpoch: sinceMilliseconds))
    }

    func write(to descriptor: Int32) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self) + Data("\n".utf8)
        guard ftruncate(descriptor, 0) == 0 else { throw LockFileError(operation: "truncate", code: errno) }
        let written = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == data.count else { throw LockFileError(operation: "write", code: errno) }
    }
}

struct LockFileError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "cannot \(operation) the lock file: \(String(cString: strerror(code)))" }
}

/// A held writer lock: an open descriptor with an exclusive `flock` on the lock file.
///
/// Invariant: `descriptor` is closed exactly once, by `release()` or, if never released, by `deinit`
/// (closing it is what gives the OS lock back). `descriptor` is only touched under `mutex`.
final class FileWriterLock: WriterLock, @unchecked Sendable {
    private let mutex = NSLock()
    private var descriptor: Int32?
    private let database: DatabasePool

    init(descriptor: Int32, database: DatabasePool) {
        self.descriptor = descriptor
        self.database = database
    }

    /// Clears the holder records while still holding the lock (so a next holder's records are
    /// never erased), then unlocks. Releasing twice does nothing the second time.
    func release() async {
        guard let descriptor = take() else { return }
        // Best effort: a stale row is harmless, because readers trust it only while the file is locked.
        try? await database.writeToCompletion { db in try db.execute(sql: "DELETE FROM lock_holder") }
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private func take() -> Int32? {
        mutex.lock()
        defer { mutex.unlock() }
        let taken = descriptor
        descriptor = nil
        return taken
    }

    deinit {
        if let descriptor { close(descriptor) }
    }
}
