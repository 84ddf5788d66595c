import CLibGit2
import Foundation

extension GitRepository {
    /// Writes the committed files under `path` (without `excluded`, when given) into
    /// `directory`, keeping executable bits and symbolic links.
    ///
    /// Both paths are relative to the repository root; files land in `directory` relative
    /// to `path`. Regular files get mode 644 and executables 755 whatever the umask, so two
    /// exports of one tree are identical. Existing files are overwritten; others are kept.
    public func export(path: String, excluding excluded: String? = nil, at commit: CommitID, to directory: String) throws {
        let folder = try RepositoryPath.normalize(path)
        let skipped = try excluded.map(RepositoryPath.normalize)
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var madeFolders: Set<String> = [""]
        try visitBlobs(under: folder, at: commit, excluding: skipped) { repositoryPath, entry in
            let relative = try Self.relativePath(repositoryPath, in: folder)
            let parent = relative.split(separator: "/").dropLast().joined(separator: "/")
            if !madeFolders.contains(parent) {
                try files.createDirectory(atPath: directory + "/" + parent, withIntermediateDirectories: true)
                madeFolders.insert(parent)
            }
            let target = directory + "/" + relative
            let bytes = try readBlob(git_tree_entry_id(entry))
            switch Self.mode(of: entry) {
            case .symlink:
                unlink(target)
                let destination = String(decoding: bytes, as: UTF8.self)
                guard symlink(destination, target) == 0 else { throw Self.fileError("cannot create symbolic link", target) }
            case .executable:
                try Self.write(bytes, to: target, mode: 0o755)
            case .regular:
                try Self.write(bytes, to: target, mode: 0o644)
            }
        }
    }

    /// `repositoryPath` relative to `folder`, refusing names that would leave the directory.
    private static func relativePath(_ repositoryPath: String, in folder: String) throws -> String {
        let relative: String
        if folder.isEmpty {
            relative = repositoryPath
        } else if repositoryPath == folder {
            relative = String(folder.split(separator: "/").last ?? "")
        } else {
            relative = String(repositoryPath.dropFirst(folder.count + 1))
        }
        // Tree entry names come from the repository, not from git's own checks: a crafted
        // tree could hold '..'.
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw GitError.invalidPath(repositoryPath)
        }
        return relative
    }

    private static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        // A symbolic link left by an earlier export must be replaced, not written through.
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK { unlink(path) }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw fileError("cannot create file", path) }
        defer { close(descriptor) }
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw fileError("cannot write file", path)
                }
                written += count
            }
        }
        // open() applies the umask; the exact mode keeps exports reproducible.
        guard fchmod(descriptor, mode) == 0 else { throw fileError("cannot set the mode of", path) }
    }

    private static func fileError(_ what: String, _ path: String) -> GitError {
        .libgit2(code: -1, message: "\(what) '\(path)': \(String(cString: strerror(errno)))")
    }
}
