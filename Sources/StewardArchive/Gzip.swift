import CZlib

/// gzip (RFC 1952) over zlib: deflate with a gzip wrapper (`windowBits` 31).
///
/// zlib writes a header with no file name and a zero modification time, so the same input and level
/// always give the same bytes with the same zlib.
public enum Gzip {
    private static let chunk = 64 * 1024

    /// Compresses bytes into one gzip member.
    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        var code = deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                 Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw ArchiveError.zlib(operation: "deflateInit2", code: code) }
        defer { deflateEnd(&stream) }

        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(&stream, uLong(input.count))))
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = input
        code = input.withUnsafeMutableBufferPointer { source -> Int32 in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                let status = buffer.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return deflate(&stream, Z_FINISH)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return status }
                output += buffer[0..<(chunk - Int(stream.avail_out))]
                if status == Z_STREAM_END { return Z_STREAM_END }
            } while true
        }
        guard code == Z_STREAM_END else { throw ArchiveError.zlib(operation: "deflate", code: code) }
        return output
    }

    /// Decompresses gzip data (every member, concatenated).
    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = input
        var offset = 0
        while offset < input.count {
            var stream = z_stream()
            let initCode = inflateInit2_(&stream, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard initCode == Z_OK else { throw ArchiveError.zlib(operation: "inflateInit2", code: initCode) }
            defer { inflateEnd(&stream) }
            let code = input.withUnsafeMutableBufferPointer { source -> Int32 in
                stream.next_in = source.baseAddress! + offset
                stream.avail_in = uInt(source.count - offset)
                repeat {
                    let status = buffer.withUnsafeMutableBufferPointer { target -> Int32 in
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        return inflate(&stream, Z_NO_FLUSH)
                    }
                    guard status == Z_OK || status == Z_STREAM_END else { return status }
                    output += buffer[0..<(chunk - Int(stream.avail_out))]
                    if status == Z_STREAM_END { return Z_STREAM_END }
                    if stream.avail_in == 0 && stream.avail_out != 0 { return Z_BUF_ERROR }
                } while true
            }
            if code == Z_BUF_ERROR { throw ArchiveError.truncated }
            guard code == Z_STREAM_END else { throw ArchiveError.zlib(operation: "inflate", code: code) }
            offset = input.count - Int(stream.avail_in)
        }
        return output
    }
}
