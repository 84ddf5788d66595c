import CLibGit2

extension GitRepository {
    /// The paths under `folder` that differ between two commits, sorted: added, modified
    /// and deleted files, and both sides of a rename.
    public func changedPaths(from old: CommitID, to new: CommitID, under folder: String) throws -> [String] {
        let normalized = try RepositoryPath.normalize(folder)
        let oldTree = try rootTree(of: old)
        defer { git_tree_free(oldTree) }
        let newTree = try rootTree(of: new)
        defer { git_tree_free(newTree) }
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        // Literal paths: a folder name with '*' or '?' must not act as a pattern.
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        let diff = try LibGit2.withStringArray(normalized.isEmpty ? [] : [normalized]) { pathspec in
            options.pathspec = pathspec.pointee
            var diff: OpaquePointer?
            try LibGit2.check(git_diff_tree_to_tree(&diff, handle.pointer, oldTree, newTree, &options))
            return diff
        }
        defer { git_diff_free(diff) }
        var paths = Set<String>()
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            // Delta paths belong to the diff: copied into Strings here.
            if let path = delta.pointee.old_file.path { paths.insert(String(cString: path)) }
            if let path = delta.pointee.new_file.path { paths.insert(String(cString: path)) }
        }
        return paths.sorted()
    }

    /// Whether the work tree or the index differs from `HEAD` under `folder`, counting
    /// untracked files and not ignored ones; always false for a bare repository.
    public func hasUncommittedChanges(under folder: String) throws -> Bool {
        if isBare { return false }
        let normalized = try RepositoryPath.normalize(folder)
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
            | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        let list = try LibGit2.withStringArray(normalized.isEmpty ? [] : [normalized]) { pathspec in
            options.pathspec = pathspec.pointee
            var list: OpaquePointer?
            try LibGit2.check(git_status_list_new(&list, handle.pointer, &options))
            return list
        }
        defer { git_status_list_free(list) }
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index) else { continue }
            let status = entry.pointee.status.rawValue
            if status != GIT_STATUS_CURRENT.rawValue, status & GIT_STATUS_IGNORED.rawValue == 0 { return true }
        }
        return false
    }

    /// The root tree of a commit; the caller frees it.
    private func rootTree(of id: CommitID) throws -> OpaquePointer {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commit))
        guard let tree else { throw GitError.libgit2(code: -1, message: "libgit2 returned no tree") }
        return tree
    }
}
