/// A folder's files as a deterministic `.tar.gz`: what Cloud Build takes as a build source.
public enum TarGzip {
    /// One file to pack: a relative path, its bytes and whether it is executable.
    public typealias File = (path: String, bytes: [UInt8], executable: Bool)

    /// Packs files (paths relative to the archive's root) into a gzip-compressed tar.
    ///
    /// Entries are sorted by path, each folder that holds a file gets its own entry before its contents,
    /// and headers carry a fixed time and owner: the same files give the same bytes whatever their order.
    public static func pack(files: [File]) throws -> [UInt8] {
        try Gzip.compress(archive(files: files).bytes())
    }

    /// The uncompressed archive `pack` compresses.
    public static func archive(files: [File]) throws -> TarArchive {
        var folders = Set<String>()
        for file in files {
            var segments = file.path.split(separator: "/").dropLast()
            while !segments.isEmpty {
                folders.insert(segments.joined(separator: "/"))
                segments = segments.dropLast()
            }
        }
        var entries: [TarArchive.Entry] = folders.map { .directory(path: $0) }
        entries += files.map { .file(path: $0.path, bytes: $0.bytes, executable: $0.executable) }
        // Byte order of the paths, folders first at equal paths (a folder "a" sorts as "a/").
        entries.sort { sortKey($0).lexicographicallyPrecedes(sortKey($1)) }
        return TarArchive(entries: entries)
    }

    private static func sortKey(_ entry: TarArchive.Entry) -> [UInt8] {
        switch entry {
        case .directory(let path): Array(path.utf8) + [UInt8(ascii: "/")]
        case .file(let path, _, _): Array(path.utf8)
        }
    }
}
