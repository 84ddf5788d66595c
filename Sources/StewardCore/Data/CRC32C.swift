/// CRC-32C (Castagnoli), as Cloud Storage's `crc32c` and TFRecord framing use it.
public enum CRC32C {
    /// Slicing-by-8 tables for the reflected polynomial 0x82F63B78.
    static let tables: [[UInt32]] = {
        var tables = Array(repeating: Array(repeating: UInt32(0), count: 256), count: 8)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][i] = crc
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = tables[t - 1][i]
                tables[t][i] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The checksum of `bytes`, continuing from `crc` (0 to start).
    public static func checksum<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var value = ~crc
        let t = tables
        if let fast = bytes.withContiguousStorageIfAvailable({ buffer -> UInt32 in
            var v = value
            var i = 0
            let n = buffer.count
            while i + 8 <= n {
                let lo = v ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16 | UInt32(buffer[i + 3]) << 24)
                v = t[7][Int(lo & 0xFF)] ^ t[6][Int((lo >> 8) & 0xFF)] ^ t[5][Int((lo >> 16) & 0xFF)] ^ t[4][Int(lo >> 24)]
                    ^ t[3][Int(buffer[i + 4])] ^ t[2][Int(buffer[i + 5])] ^ t[1][Int(buffer[i + 6])] ^ t[0][Int(buffer[i + 7])]
                i += 8
            }
            while i < n {
                v = (v >> 8) ^ t[0][Int((v ^ UInt32(buffer[i])) & 0xFF)]
                i += 1
            }
            return v
        }) {
            value = fast
        } else {
            for byte in bytes { value = (value >> 8) ^ t[0][Int((value ^ UInt32(byte)) & 0xFF)] }
        }
        return ~value
    }

    /// TFRecord's masked CRC: rotate right by 15 and add a constant.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// The big-endian bytes of a checksum, base64-encoded, as Cloud Storage's `crc32c` field carries it.
    public static func base64(_ crc: UInt32) -> String {
        let bytes: [UInt8] = [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        let n = (UInt32(bytes[0]) << 16) | (UInt32(bytes[1]) << 8) | UInt32(bytes[2])
        out.append(alphabet[Int((n >> 18) & 63)])
        out.append(alphabet[Int((n >> 12) & 63)])
        out.append(alphabet[Int((n >> 6) & 63)])
        out.append(alphabet[Int(n & 63)])
        let m = UInt32(bytes[3]) << 16
        out.append(alphabet[Int((m >> 18) & 63)])
        out.append(alphabet[Int((m >> 12) & 63)])
        out += "=="
        return out
    }
}
