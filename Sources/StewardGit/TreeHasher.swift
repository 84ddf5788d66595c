import CLibGit2
import Foundation

/// Serialises trees in git's object format and hashes them, without an object database.
enum TreeHasher {
    /// What removing an entry did to a tree.
    enum Outcome {
        /// The entry was not there: the tree keeps its id.
        case unchanged
        /// Nothing is left: git would not write the tree at all.
        case empty
        /// The tree's new id.
        case replaced(git_oid)
    }

    /// The id of `tree` with `target` replaced by a tree with id `replacement`, or removed
    /// when `replacement` is nil.
    ///
    /// Entries keep their order (git's order depends only on names, which do not change)
    /// and their raw modes, so an unmodified tree would hash to its own id.
    static func hash(_ tree: OpaquePointer, replacing target: OpaquePointer, with replacement: git_oid?) throws -> Outcome {
        var bytes: [UInt8] = []
        var remaining = 0
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            var id = git_tree_entry_id(entry)!.pointee
            if entry == target {
                guard let replacement else { continue }
                id = replacement
            }
            remaining += 1
            // "<octal mode> <name>\0<20-byte id>", the mode without leading zeros.
            bytes.append(contentsOf: String(git_tree_entry_filemode_raw(entry).rawValue, radix: 8).utf8)
            bytes.append(0x20)
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: git_tree_entry_name(entry), count: strlen(git_tree_entry_name(entry))))
            bytes.append(0)
            withUnsafeBytes(of: id.id) { bytes.append(contentsOf: $0) }
        }
        if remaining == 0 { return .empty }
        return .replaced(try objectID(of: bytes))
    }

    /// The id of the empty tree (`4b825dc…`).
    static func emptyTreeID() throws -> git_oid {
        try objectID(of: [])
    }

    private static func objectID(of bytes: [UInt8]) throws -> git_oid {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try LibGit2.check(git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_TREE))
        }
        return oid
    }
}
