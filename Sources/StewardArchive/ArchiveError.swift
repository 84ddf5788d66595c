/// Why an archive could not be written or read.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A path that a tar entry cannot hold: empty, absolute, with `.`/`..` segments or a NUL byte.
    case invalidPath(String)
    /// The same path given twice, or once as a file and once as a folder.
    case duplicatePath(String)
    /// A file larger than an ustar header can describe (8 GiB).
    case fileTooLarge(String)
    /// zlib failed; the code is zlib's return value.
    case zlib(operation: String, code: Int32)
    /// The compressed input ended before the stream did.
    case truncated

    public var description: String {
        switch self {
        case .invalidPath(let path): "invalid path '\(path)' for a tar entry"
        case .duplicatePath(let path): "path '\(path)' appears twice in the archive"
        case .fileTooLarge(let path): "file '\(path)' is too large for a tar archive"
        case .zlib(let operation, let code): "zlib \(operation) failed with code \(code)"
        case .truncated: "compressed data ended early"
        }
    }
}
