import Glibc

/// An exclusive `flock` on a folder, held while its descriptor is open. The kernel drops it
/// when the holder dies, so a crash never leaves a folder locked.
final class DirectoryLock {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits for the lock.
    static func acquire(_ path: String) throws -> DirectoryLock {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw LocalFiles.error("lock", path, errno: errno) }
        while flock(fd, LOCK_EX) != 0 {
            let err = errno
            if err == EINTR { continue }
            close(fd)
            throw LocalFiles.error("lock", path, errno: err)
        }
        return DirectoryLock(fd: fd)
    }

    /// Takes the lock if nobody holds it; nil when it is held (or the folder is gone).
    static func tryAcquire(_ path: String) -> DirectoryLock? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return DirectoryLock(fd: fd)
    }

    func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
