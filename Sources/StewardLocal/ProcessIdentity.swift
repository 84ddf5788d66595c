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
