import Glibc

extension LocalFiles {
    /// Removes the folders in `parent` named `<prefix><pid>.<random>` whose process is gone: the
    /// temporary folders of a Steward that stopped while filling them.
    static func removeAbandonedFolders(in parent: String, prefix: String) {
        for entry in (try? entries(of: parent)) ?? [] where entry.isDirectory && entry.name.hasPrefix(prefix) {
            // `<pid>.<random>` after the prefix and nothing more, so `.x-m.5.…` is not taken for one of `.x-m.`.
            let rest = entry.name.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
            guard rest.count == 2, let pid = Int32(rest[0]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                removeTree(parent + "/" + entry.name)
            }
        }
    }

    /// A new, empty folder `<parent>/<prefix><pid>.<random>` for this process to fill and rename into place.
    static func makeTemporaryFolder(in parent: String, prefix: String) throws -> String {
        let path = "\(parent)/\(prefix)\(getpid()).\(randomSuffix())"
        guard mkdir(path, 0o755) == 0 else { throw error("create the folder", path, errno: errno) }
        return path
    }

    /// Copies the folder `source` (a symbolic link to a folder is followed) with everything in it to
    /// `destination`, which must not exist. Files are flushed and keep their permission bits; links
    /// inside are copied as links; temporary files of unfinished writes, sockets and pipes are left out.
    static func copyTree(from source: String, to destination: String) throws {
        guard let info = status(source) else { throw error("copy", source, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw error("copy the folder", source, errno: ENOTDIR) }
        try copyFolder(source, to: destination, mode: info.st_mode & 0o7777)
    }

    private static func copyFolder(_ source: String, to destination: String, mode: mode_t) throws {
        guard mkdir(destination, 0o700) == 0 else { throw error("create the folder", destination, errno: errno) }
        for entry in try entries(of: source) where !entry.name.hasPrefix(temporaryPrefix) {
            let from = source + "/" + entry.name
            let to = destination + "/" + entry.name
            var info = stat()
            guard lstat(from, &info) == 0 else { throw error("copy", from, errno: errno) }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try copyFolder(from, to: to, mode: info.st_mode & 0o7777)
            case S_IFREG: try copyFile(from, to: to, mode: info.st_mode & 0o7777)
            case S_IFLNK: try copyLink(from, to: to)
            default: continue
            }
        }
        guard chmod(destination, mode | 0o700) == 0 else { throw error("set the mode of", destination, errno: errno) }
    }

    private static func copyFile(_ source: String, to destination: String, mode: mode_t) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw error("read", source, errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard output >= 0 else { throw error("write", destination, errno: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read", source, errno: errno)
            }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw error("write", destination, errno: errno)
                }
                offset += written
            }
        }
        // Flushed before the copy gets its final name, like every file written here.
        guard fsync(output) == 0 else { throw error("flush", destination, errno: errno) }
    }

    private static func copyLink(_ source: String, to destination: String) throws {
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(source, &target, target.count - 1)
        guard length >= 0 else { throw error("read the link", source, errno: errno) }
        target[length] = 0
        guard symlink(target, destination) == 0 else { throw error("create the link", destination, errno: errno) }
    }
}
