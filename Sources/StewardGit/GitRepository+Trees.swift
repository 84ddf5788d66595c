import CLibGit2

extension GitRepository {
    /// Every file under `folder` at `commit`, recursively, in git's tree order.
    ///
    /// Paths are relative to the repository root. `""` lists the whole tree; a path that
    /// names a file lists that file. Submodules are skipped.
    public func listFiles(under folder: String, at commit: CommitID) throws -> [TreeFile] {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle.pointer))
        defer { git_odb_free(odb) }
        var files: [TreeFile] = []
        try visitBlobs(under: folder, at: commit) { path, entry in
            var size = 0
            var type = GIT_OBJECT_INVALID
            // The header alone gives the size without inflating the whole blob.
            try LibGit2.check(git_odb_read_header(&size, &type, odb, git_tree_entry_id(entry)))
            files.append(TreeFile(
                path: path, blobID: LibGit2.hex(git_tree_entry_id(entry)), size: size, mode: Self.mode(of: entry)
            ))
        }
        return files
    }

    /// The bytes of every file under `folder` at `commit`, in one tree walk.
    ///
    /// For reading many files (all manifests) without an actor hop per file.
    public func readFiles(under folder: String, at commit: CommitID) throws -> [(path: String, bytes: [UInt8])] {
        var files: [(path: String, bytes: [UInt8])] = []
        try visitBlobs(under: folder, at: commit) { path, entry in
            files.append((path: path, bytes: try readBlob(git_tree_entry_id(entry))))
        }
        return files
    }

    /// Like `readFiles(under:at:)`, but a blob over `maximumSize` bytes is not read: its size comes from the
    /// object's header (libgit2 knows it without inflating the content) and its bytes are nil.
    public func readFiles(under folder: String, at commit: CommitID,
                          maximumSize: Int) throws -> [(path: String, size: Int, bytes: [UInt8]?)] {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle.pointer))
        defer { git_odb_free(odb) }
        var files: [(path: String, size: Int, bytes: [UInt8]?)] = []
        try visitBlobs(under: folder, at: commit) { path, entry in
            guard let id = git_tree_entry_id(entry) else { throw GitError.libgit2(code: -1, message: "a tree entry without an id at '\(path)'") }
            var size = 0
            var type = GIT_OBJECT_BLOB
            try LibGit2.check(git_odb_read_header(&size, &type, odb, id))
            files.append((path: path, size: size, bytes: size > maximumSize ? nil : try readBlob(id)))
        }
        return files
    }

    /// The bytes of the blob with the 40-hex id `id`.
    public func readBlob(_ id: String) throws -> [UInt8] {
        guard id.utf8.count == 40, id.utf8.allSatisfy(\.isHexDigit) else {
            throw GitError.libgit2(code: GIT_EINVALIDSPEC.rawValue, message: "'\(id)' is not a full blob id")
        }
        var oid = try LibGit2.oid(id)
        return try readBlob(&oid)
    }

    /// The committed bytes of the file at `path` (no line-ending or other filters).
    public func readFile(_ path: String, at commit: CommitID) throws -> [UInt8] {
        let normalized = try RepositoryPath.normalize(path)
        return try withEntry(normalized, at: commit) { entry in
            guard let entry else { throw GitError.pathNotFound(path: normalized, commit: commit) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                throw GitError.notAFile(path: normalized, commit: commit)
            }
            return try readBlob(git_tree_entry_id(entry))
        }
    }

    /// The git tree id of the folder at `path` (`""` for the root), or nil when the commit
    /// has no folder there.
    public func treeID(of path: String, at commit: CommitID) throws -> String? {
        let normalized = try RepositoryPath.normalize(path)
        return try withEntry(normalized, at: commit) { entry in
            guard let entry, git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
            return LibGit2.hex(git_tree_entry_id(entry))
        }
    }
}

extension GitRepository {
    /// Calls `visit` with the repository path and tree entry of every blob under `folder`,
    /// skipping the normalised repository path `excluded` (a file or a whole folder).
    ///
    /// The entry pointer is valid only during the call.
    func visitBlobs(
        under folder: String,
        at commit: CommitID,
        excluding excluded: String? = nil,
        _ visit: (String, OpaquePointer) throws -> Void
    ) throws {
        let normalized = try RepositoryPath.normalize(folder)
        try withEntry(normalized, at: commit) { entry in
            guard let entry else { throw GitError.pathNotFound(path: normalized, commit: commit) }
            if normalized == excluded { return }
            if git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
                try visit(normalized, entry)
                return
            }
            let tree = try lookupTree(git_tree_entry_id(entry))
            defer { git_tree_free(tree) }
            try walk(tree, prefix: normalized, excluding: excluded, visit)
        }
    }

    private func walk(
        _ tree: OpaquePointer,
        prefix: String,
        excluding excluded: String?,
        _ visit: (String, OpaquePointer) throws -> Void
    ) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = RepositoryPath.join(prefix, String(cString: git_tree_entry_name(entry)))
            if path == excluded { continue }
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                let subtree = try lookupTree(git_tree_entry_id(entry))
                defer { git_tree_free(subtree) }
                try walk(subtree, prefix: path, excluding: excluded, visit)
            case GIT_OBJECT_BLOB:
                try visit(path, entry)
            default:
                continue  // a submodule: its commit is not in this repository
            }
        }
    }

    /// Runs `body` with the tree entry at `path` in `commit` (a synthetic entry for the
    /// root tree), or nil when there is none. The entry dies when `body` returns.
    func withEntry<T>(_ path: String, at commit: CommitID, _ body: (OpaquePointer?) throws -> T) throws -> T {
        let commitObject = try lookupCommit(commit)
        defer { git_commit_free(commitObject) }
        var root: OpaquePointer?
        try LibGit2.check(git_commit_tree(&root, commitObject))
        defer { git_tree_free(root) }
        if path.isEmpty {
            // libgit2 has no entry for the root tree; a one-entry tree holding it stands in.
            return try withRootEntry(of: commitObject, body)
        }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, root, path)
        if code == GIT_ENOTFOUND.rawValue { return try body(nil) }
        try LibGit2.check(code)
        defer { git_tree_entry_free(entry) }
        return try body(entry)
    }

    private func withRootEntry<T>(of commit: OpaquePointer, _ body: (OpaquePointer?) throws -> T) throws -> T {
        var builder: OpaquePointer?
        try LibGit2.check(git_treebuilder_new(&builder, handle.pointer, nil))
        defer { git_treebuilder_free(builder) }
        var entry: OpaquePointer?
        try LibGit2.check(git_treebuilder_insert(&entry, builder, "root", git_commit_tree_id(commit), GIT_FILEMODE_TREE))
        return try body(entry)
    }

    /// Looks up a tree; the caller frees it.
    func lookupTree(_ id: UnsafePointer<git_oid>) throws -> OpaquePointer {
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle.pointer, id))
        guard let tree else { throw GitError.libgit2(code: -1, message: "libgit2 returned no tree") }
        return tree
    }

    func readBlob(_ id: UnsafePointer<git_oid>) throws -> [UInt8] {
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, handle.pointer, id))
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        // The content belongs to the blob: copy it before the blob is freed.
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    static func mode(of entry: OpaquePointer) -> TreeFile.Mode {
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_BLOB_EXECUTABLE: return .executable
        case GIT_FILEMODE_LINK: return .symlink
        default: return .regular
        }
    }
}
