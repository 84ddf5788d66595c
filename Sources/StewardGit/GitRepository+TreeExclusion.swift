import CLibGit2

extension GitRepository {
    /// A stable id for the folder at `path` without `excluded`: the tree id git would
    /// write for that folder with the entry removed. Nothing is written to the repository.
    ///
    /// Both paths are relative to the repository root (as manifests write them). When
    /// `excluded` is not inside `path` or does not exist, the result is the folder's own
    /// tree id; folders left empty by the removal disappear, as git omits them. So a
    /// change under `excluded` alone keeps the id, any other change in the folder changes
    /// it, and going back to an earlier tree gives the earlier id.
    public func treeID(of path: String, excluding excluded: String, at commit: CommitID) throws -> String {
        let folder = try RepositoryPath.normalize(path)
        let dropped = try RepositoryPath.normalize(excluded)
        return try withEntry(folder, at: commit) { entry in
            guard let entry else { throw GitError.pathNotFound(path: folder, commit: commit) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                throw GitError.notAFolder(path: folder, commit: commit)
            }
            let folderID = git_tree_entry_id(entry)!
            if dropped == folder { return LibGit2.hex(try TreeHasher.emptyTreeID()) }
            let relative: Substring
            if folder.isEmpty {
                relative = Substring(dropped)
            } else if dropped.hasPrefix(folder + "/") {
                relative = dropped.dropFirst(folder.count + 1)
            } else {
                return LibGit2.hex(folderID)
            }
            let tree = try lookupTree(folderID)
            defer { git_tree_free(tree) }
            switch try rebuild(tree, dropping: relative.split(separator: "/")[...]) {
            case .unchanged: return LibGit2.hex(folderID)
            case .empty: return LibGit2.hex(try TreeHasher.emptyTreeID())
            case .replaced(let id): return LibGit2.hex(id)
            }
        }
    }

    /// The id `tree` would have without the entry at `components`, computed bottom-up.
    private func rebuild(_ tree: OpaquePointer, dropping components: ArraySlice<Substring>) throws -> TreeHasher.Outcome {
        guard let name = components.first,
              let entry = git_tree_entry_byname(tree, String(name)) else { return .unchanged }
        let replacement: git_oid?
        if components.count == 1 {
            replacement = nil
        } else {
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return .unchanged }
            let subtree = try lookupTree(git_tree_entry_id(entry))
            defer { git_tree_free(subtree) }
            switch try rebuild(subtree, dropping: components.dropFirst()) {
            case .unchanged: return .unchanged
            case .empty: replacement = nil  // git never records an empty folder
            case .replaced(let id): replacement = id
            }
        }
        return try TreeHasher.hash(tree, replacing: entry, with: replacement)
    }
}
