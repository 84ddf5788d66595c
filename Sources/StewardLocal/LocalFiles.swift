import Glibc
import StewardCore
import StewardRuntime

/// File operations the local adapters share, over POSIX calls so that every step that must be
/// atomic is visibly so: a file is written under a temporary name in its folder, flushed, then
/// renamed (replace) or linked (create-if-absent) to its final name. Readers never see half a file.
enum LocalFiles {
    /// Names of temporary files; listings leave them out.
    static let temporaryPrefix = ".steward-tmp-"

    /// A `RuntimeError` for a failed system call, with a code chosen by errno.
    static func error(_ operation: String, _ path: String, errno err: Int32) -> RuntimeError {
        let reason = String(cString: strerror(err))
        let message = "cannot \(operation) '\(path)': \(reason)"
        switch err {
        case ENOENT: return RuntimeError(code: "not_found", message: message, disposition: .stalled)
        case EACCES, EPERM, EROFS: return RuntimeError(code: "permission_denied", message: message, disposition: .stalled)
        case ENOSPC, EDQUOT, EMFILE, ENFILE, EAGAIN, EINTR: return RuntimeError(code: "unavailable", message: message)
        case ENOTDIR, EISDIR, EEXIST, ENAMETOOLONG, EINVAL:
            return RuntimeError(code: "invalid", message: message, disposition: .stalled)
        default: return RuntimeError(code: "failed", message: message)
        }
    }

    /// `mkdir -p`; existing folders are fine.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        var current = ""
        for segment in path.split(separator: "/") {
            current += "/" + segment
            if mkdir(current, 0o755) != 0 {
                let err = errno
                guard err == EEXIST else { throw error("create the folder", current, errno: err) }
                guard isDirectory(current) else { throw error("create the folder", current, errno: ENOTDIR) }
            }
        }
    }

    /// `stat` of a path (following symbolic links), or nil when it does not exist.
    static func status(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    static func isDirectory(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isFile(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    static func exists(_ path: String) -> Bool { status(path) != nil }

    /// The modification time of a path.
    static func modificationTime(_ path: String) -> Instant? {
        guard let info = status(path) else { return nil }
        return Instant(millisecondsSinceEpoch: Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000)
    }

    /// The entries of a folder (without `.` and `..`), with whether each is a folder; empty when it is absent.
    static func entries(of path: String) throws -> [(name: String, isDirectory: Bool)] {
        guard let dir = opendir(path) else {
            let err = errno
            if err == ENOENT || err == ENOTDIR { return [] }
            throw error("list", path, errno: err)
        }
        defer { closedir(dir) }
        var result: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            let folder: Bool
            if type == UInt8(DT_DIR) {
                folder = true
            } else if type == UInt8(DT_REG) {
                folder = false
            } else {
                // Symbolic links and file systems without d_type: ask stat.
                folder = isDirectory(path + "/" + name)
            }
            result.append((name, folder))
        }
        return result
    }

    /// A file's bytes; `not_found` when absent or a folder.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error("read", path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("read", path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw error("read", path, errno: ENOENT) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read", path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// The last `maxBytes` of a file as text, starting at a line boundary; nil when it cannot be read.
    static func tail(_ path: String, maxBytes: Int = 2048, maxLines: Int = 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        let start = max(0, size - maxBytes)
        var buffer = [UInt8](repeating: 0, count: size - start)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard count >= 0 else { return nil }
        var text = String(decoding: buffer[0..<count], as: UTF8.self)
        if start > 0, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = lines.suffix(maxLines + 1).joined(separator: "\n")
        return trimmed.trimmingTrailingNewlines()
    }

    /// Writes bytes to a new temporary file in `folder` and flushes them; returns its path.
    static func writeTemporary(_ bytes: [UInt8], in folder: String, mode: mode_t = 0o644) throws -> String {
        for _ in 0..<8 {
            let path = folder + "/" + temporaryPrefix + randomSuffix()
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd < 0 {
                if errno == EEXIST { continue }
                throw error("write", path, errno: errno)
            }
            do {
                try writeAll(fd, bytes, path: path)
                // Flushed before it gets its final name, so a crash never shows a short object.
                guard fsync(fd) == 0 else { throw error("flush", path, errno: errno) }
                close(fd)
            } catch {
                close(fd)
                unlink(path)
                throw error
            }
            return path
        }
        throw RuntimeError(code: "failed", message: "cannot find a free temporary name in '\(folder)'")
    }

    /// Creates or replaces a file atomically: temporary file, then `rename`.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let folder = parent(of: path)
        let temporary = try writeTemporary(bytes, in: folder, mode: mode)
        if rename(temporary, path) != 0 {
            let err = errno
            unlink(temporary)
            throw error("write", path, errno: err)
        }
    }

    /// Creates a file only when nothing exists under its name: temporary file, then `link`,
    /// which fails rather than replace. Returns false when the name was taken.
    static func createExclusively(_ bytes: [UInt8], at path: String, mode: mode_t = 0o644) throws -> Bool {
        let folder = parent(of: path)
        let temporary = try writeTemporary(bytes, in: folder, mode: mode)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            let err = errno
            if err == EEXIST { return false }
            throw error("create", path, errno: err)
        }
        return true
    }

    /// Removes a file or a folder with everything in it; absent is fine.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for entry in (try? entries(of: path)) ?? [] { removeTree(path + "/" + entry.name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw error("write", path, errno: errno)
            }
            offset += written
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text = text.dropLast() }
        return String(text)
    }
}
