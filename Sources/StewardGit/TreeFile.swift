/// One file (a blob) in a committed tree.
public struct TreeFile: Sendable, Hashable, Codable {
    /// How git records a file's kind.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// A regular file (`100644`).
        case regular
        /// An executable file (`100755`).
        case executable
        /// A symbolic link (`120000`); the blob holds the link's target.
        case symlink
    }

    /// The path from the repository root, with `/` separators.
    public var path: String
    /// The 40-hex id of the blob holding the content.
    public var blobID: String
    /// The content's size in bytes.
    public var size: Int
    /// The file's kind.
    public var mode: Mode

    /// Makes a tree file from its parts.
    public init(path: String, blobID: String, size: Int, mode: Mode) {
        self.path = path
        self.blobID = blobID
        self.size = size
        self.mode = mode
    }
}
