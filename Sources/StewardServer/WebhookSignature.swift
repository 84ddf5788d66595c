import Crypto

/// GitHub's webhook signature: `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`.
public enum WebhookSignature {
    /// The header's prefix.
    public static let prefix = "sha256="
    /// The header that carries the signature.
    public static let headerName = "X-Hub-Signature-256"

    /// Whether `header` is the signature of `body` under `secret`.
    ///
    /// Computed over the exact bytes received, before any JSON parsing. A missing header, another prefix, or a
    /// value that is not 64 hex digits is false. The comparison of the two digests runs over all 32 bytes whatever
    /// they hold (accumulated XOR, no early exit), so its timing says nothing about how much of a guess was right.
    public static func verify(body: [UInt8], header: String?, secret: [UInt8]) -> Bool {
        guard let header, header.hasPrefix(prefix),
              let received = decodeHex(header.utf8.dropFirst(prefix.utf8.count)) else { return false }
        let expected = digest(body: body, secret: secret)
        return constantTimeEqual(expected, received)
    }

    /// The header value for a body: `sha256=` and the lowercase hex digest (for tests and tools).
    public static func sign(body: [UInt8], secret: [UInt8]) -> String {
        prefix + digest(body: body, secret: secret).map { byte in
            let digits: [Character] = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    private static func digest(body: [UInt8], secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)))
    }

    /// Equal lengths and equal bytes, looking at every byte. Lengths are public (always 32 here).
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    /// 64 hex digits (either case) → 32 bytes; anything else → nil.
    private static func decodeHex(_ digits: Substring.UTF8View) -> [UInt8]? {
        guard digits.count == SHA256.byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.byteCount)
        var high: UInt8?
        for digit in digits {
            guard let value = hexValue(digit) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
