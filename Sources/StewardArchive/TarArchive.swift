/// A deterministic tar archive writer (POSIX ustar, with GNU long-name entries where ustar's name fields
/// cannot hold a path).
///
/// Entries are written in the order given, with a fixed modification time, uid/gid 0 and no user or group
/// names, so the same entries always give the same bytes. Regular files have mode 644, or 755 when executable;
/// folders have mode 755.
public struct TarArchive: Sendable {
    /// One entry of the archive.
    public enum Entry: Sendable, Hashable {
        case file(path: String, bytes: [UInt8], executable: Bool)
        case directory(path: String)

        /// The entry's path, without a trailing slash.
        public var path: String {
            switch self {
            case .file(let path, _, _), .directory(let path): path
            }
        }
    }

    /// The modification time written into every header (seconds since 1970).
    public static let fixedModificationTime = 0
    private static let blockSize = 512
    /// GNU tar's default record: 20 blocks. Archives are padded to a whole record, as tar itself does.
    private static let recordSize = 20 * 512
    private static let maximumSize = 0o77777777777

    public private(set) var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Appends a regular file.
    public mutating func appendFile(_ path: String, bytes: [UInt8], executable: Bool = false) {
        entries.append(.file(path: path, bytes: bytes, executable: executable))
    }

    /// Appends a folder.
    public mutating func appendDirectory(_ path: String) {
        entries.append(.directory(path: path))
    }

    /// The archive's bytes.
    public func bytes() throws -> [UInt8] {
        var out: [UInt8] = []
        var seen = Set<String>()
        for entry in entries {
            let path = try Self.checked(entry.path)
            guard seen.insert(path).inserted else { throw ArchiveError.duplicatePath(path) }
            switch entry {
            case .directory:
                try Self.appendHeader(name: path + "/", size: 0, mode: 0o755, type: UInt8(ascii: "5"), to: &out)
            case .file(_, let bytes, let executable):
                guard bytes.count <= Self.maximumSize else { throw ArchiveError.fileTooLarge(path) }
                try Self.appendHeader(name: path, size: bytes.count, mode: executable ? 0o755 : 0o644,
                                      type: UInt8(ascii: "0"), to: &out)
                out += bytes
                Self.pad(&out, to: Self.blockSize)
            }
        }
        // End of archive: two zero blocks, then up to a whole record.
        out += [UInt8](repeating: 0, count: 2 * Self.blockSize)
        Self.pad(&out, to: Self.recordSize)
        return out
    }

    // MARK: Headers

    private static func checked(_ path: String) throws -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("/"), !trimmed.utf8.contains(0),
              !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw ArchiveError.invalidPath(path)
        }
        return String(trimmed)
    }

    /// Writes the header of one entry, preceded by a GNU long-name entry when ustar's fields cannot hold the name.
    private static func appendHeader(name: String, size: Int, mode: Int, type: UInt8, to out: inout [UInt8]) throws {
        let utf8 = Array(name.utf8)
        if let (prefix, rest) = ustarSplit(utf8) {
            out += header(name: rest, prefix: prefix, size: size, mode: mode, type: type)
            return
        }
        // GNU: a `././@LongLink` entry of type 'L' whose data is the full name and a NUL, then the
        // real header with the name cut to 100 bytes (readers use the long name).
        let longName = utf8 + [0]
        out += header(name: Array("././@LongLink".utf8), prefix: [], size: longName.count, mode: 0o644,
                      type: UInt8(ascii: "L"))
        out += longName
        pad(&out, to: blockSize)
        out += header(name: Array(utf8.prefix(100)), prefix: [], size: size, mode: mode, type: type)
    }

    /// Splits a name into ustar's `prefix` (≤155 bytes) and `name` (≤100 bytes) at a slash, when it can.
    private static func ustarSplit(_ name: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if name.count <= 100 { return ([], name) }
        guard name.count <= 256 else { return nil }
        // The prefix must end just before a slash; prefer the longest prefix that fits.
        for index in stride(from: min(155, name.count - 1), through: 1, by: -1) where name[index] == UInt8(ascii: "/") {
            let rest = Array(name[(index + 1)...])
            if rest.isEmpty || rest.count > 100 { continue }
            return (Array(name[..<index]), rest)
        }
        return nil
    }

    private static func header(name: [UInt8], prefix: [UInt8], size: Int, mode: Int, type: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, byte) in bytes.enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            // `width - 1` octal digits, zero-padded, then a NUL.
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)  // uid
        put(octal(0, width: 8), at: 116)  // gid
        put(octal(size, width: 12), at: 124)
        put(octal(fixedModificationTime, width: 12), at: 136)
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148)  // checksum placeholder
        block[156] = type
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(octal(0, width: 8), at: 329)  // devmajor
        put(octal(0, width: 8), at: 337)  // devminor
        put(prefix, at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        let digits = String(checksum, radix: 8)
        put(Array((String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return block
    }

    private static func pad(_ out: inout [UInt8], to multiple: Int) {
        let remainder = out.count % multiple
        if remainder != 0 { out += [UInt8](repeating: 0, count: multiple - remainder) }
    }
}
