import Glibc

/// A process told apart from a later one that reuses its pid: the pid plus its start time
/// (field 22 of `/proc/<pid>/stat`, in clock ticks since boot).
struct ProcessIdentity: Sendable, Hashable, Codable {
    var pid: Int32
    var startTime: UInt64

    /// The identity of a process that exists now (zombies included), or nil.
    static func of(pid: Int32) -> (identity: ProcessIdentity, zombie: Bool)? {
        guard pid > 0, let bytes = try? LocalFiles.read("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so field 22 is fields[19].
        guard fields.count > 19, let start = UInt64(fields[19]) else { return nil }
        let state = fields[0]
        return (ProcessIdentity(pid: pid, startTime: start), state == "Z" || state == "X")
    }

    /// Whether this very process still runs (not exited, not a zombie, pid not reused).
    var isAlive: Bool {
        guard let now = Self.of(pid: pid) else { return false }
        return now.identity == self && !now.zombie
    }

    /// Collects the exit status of this process if it is our child and has exited, so that a
    /// long-lived Steward leaves no zombies; a no-op for processes started by another Steward.
    func reapIfExited() {
        guard let now = Self.of(pid: pid), now.identity == self, now.zombie else { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// Sends a signal to the process group this process leads.
    func signalGroup(_ signal: Int32) {
        guard isAlive else { return }
        if kill(-pid, signal) != 0 { _ = kill(pid, signal) }
    }
}

/// Lookups in `/proc` for the evidence of a detached job: which process a job folder's wrapper
/// is, and whether its session outlived it.
enum ProcessTable {
    /// The arguments a process was started with; nil when it is gone (a zombie has none).
    static func arguments(of pid: Int32) -> [String]? {
        guard pid > 0, let bytes = try? LocalFiles.read("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `pid` is the wrapper `ProcessLauncher` started for `folder`: `/bin/sh -c SCRIPT NAME FOLDER …`.
    static func isWrapper(_ pid: Int32, name: String, folder: String) -> Bool {
        guard let arguments = arguments(of: pid), arguments.count > 4 else { return false }
        return arguments[0] == "/bin/sh" && arguments[1] == "-c" && arguments[3] == name && arguments[4] == folder
    }

    /// The live wrapper of `folder`, found by its arguments (for a launch whose record never got the pid).
    static func findWrapper(name: String, folder: String) -> ProcessIdentity? {
        for pid in pids() where isWrapper(pid, name: name, folder: folder) {
            if let found = ProcessIdentity.of(pid: pid), !found.zombie { return found.identity }
        }
        return nil
    }

    /// Whether any live process other than the leader belongs to the session `session`.
    static func sessionHasMembers(_ session: Int32) -> Bool {
        for pid in pids() where pid != session {
            guard let bytes = try? LocalFiles.read("/proc/\(pid)/stat") else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { continue }
            // After the command name: state (3), ppid (4), pgrp (5), session (6).
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 3, fields[0] != "Z", Int32(fields[3]) == session else { continue }
            return true
        }
        return false
    }

    private static func pids() -> [Int32] {
        ((try? LocalFiles.entries(of: "/proc")) ?? []).compactMap { $0.isDirectory ? Int32($0.name) : nil }
    }
}
