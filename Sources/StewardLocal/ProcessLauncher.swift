import Glibc
import Synchronization
import StewardRuntime

/// Starts `/bin/sh` processes with `posix_spawn`: in their own session, stdin from `/dev/null`,
/// stdout and stderr appended to a log file, and none of Steward's other file descriptors
/// (a detached run must not keep Steward's state store or lock files open after Steward exits).
enum ProcessLauncher {
    /// `POSIX_SPAWN_SETSID` (glibc ≥ 2.26); Swift's Glibc module does not export the GNU flags.
    private static let setSessionFlag: Int16 = 0x80

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34), looked up at run time for the same reason.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// Spawns `/bin/sh -c script name arguments…` and returns its pid; the process leads a new session
    /// (and so a new process group with the same id).
    static func spawnShell(script: String, name: String, arguments: [String], environment: [String: String],
                           logPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom {
            _ = closeFrom(&actions, 3)
        } else {
            markDescriptorsCloseOnExec()
        }
        let flags = setSessionFlag | Int16(POSIX_SPAWN_SETSIGMASK) | Int16(POSIX_SPAWN_SETSIGDEF)
        // A child must not inherit Steward's blocked signals or ignored SIGTERM/SIGINT.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let flagsResult = posix_spawnattr_setflags(&attributes, flags)
        guard flagsResult == 0 else { throw LocalFiles.error("start /bin/sh for", logPath, errno: flagsResult) }

        let argv = ["/bin/sh", "-c", script, name] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &cArguments, &cEnvironment)
        guard result == 0 else { throw LocalFiles.error("start /bin/sh for", logPath, errno: result) }
        return pid
    }

    /// Waits for a child to exit; its exit code, or 128 + the signal that ended it.
    static func wait(for pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Fallback where `addclosefrom_np` is missing: mark every descriptor above 2 close-on-exec.
    private static func markDescriptorsCloseOnExec() {
        for entry in (try? LocalFiles.entries(of: "/proc/self/fd")) ?? [] {
            guard let fd = Int32(entry.name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}

/// A child process that a cancelled task stops: its whole process group gets SIGTERM.
final class ChildProcess: Sendable {
    private struct State {
        var pid: Int32?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Records the child; stops it at once when cancellation came first.
    func started(_ pid: Int32) {
        let stop = state.withLock { state -> Bool in
            state.pid = pid
            return state.cancelled
        }
        if stop { kill(-pid, SIGTERM) }
    }

    func cancel() {
        let pid = state.withLock { state -> Int32? in
            state.cancelled = true
            return state.pid
        }
        if let pid { kill(-pid, SIGTERM) }
    }

    var wasCancelled: Bool { state.withLock { $0.cancelled } }
}
