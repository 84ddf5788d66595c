import Foundation

/// An independent Python implementation of TFRecord framing, CRC-32C and the `tf.train.Example` wire format,
/// written to a temporary folder at run time and run with `STEWARD_TEST_PYTHON` (default `python3`).
/// It never calls back into Swift, so it checks the writer rather than repeating it.
enum PythonPeer {
    static let script = #"""
    import json, struct, sys

    def _table():
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            table.append(c)
        return table

    TABLE = _table()

    def crc32c(data):
        c = 0xFFFFFFFF
        for b in data:
            c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
        return c ^ 0xFFFFFFFF

    def masked(c):
        return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

    def frame(data):
        header = struct.pack("<Q", len(data))
        return header + struct.pack("<I", masked(crc32c(header))) + data + struct.pack("<I", masked(crc32c(data)))

    def varint(buf, i):
        shift, value = 0, 0
        while True:
            b = buf[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, i
            if shift > 63:
                raise ValueError("varint too long")

    def fields(buf):
        i = 0
        while i < len(buf):
            tag, i = varint(buf, i)
            number, wire = tag >> 3, tag & 7
            if wire == 0:
                value, i = varint(buf, i)
            elif wire == 1:
                value, i = buf[i:i + 8], i + 8
            elif wire == 2:
                size, i = varint(buf, i)
                value, i = buf[i:i + size], i + size
                if i > len(buf):
                    raise ValueError("truncated field")
            elif wire == 5:
                value, i = buf[i:i + 4], i + 4
            else:
                raise ValueError("wire type %d" % wire)
            yield number, wire, value

    def signed(v):
        return v - (1 << 64) if v >= 1 << 63 else v

    def feature(buf):
        kinds = list(fields(buf))
        if len(kinds) != 1:
            raise ValueError("feature is not one oneof field")
        number, wire, value = kinds[0]
        if number == 1:
            return {"bytes": [v.hex() for n, w, v in fields(value) if n == 1]}
        if number == 2:
            out = []
            for n, w, v in fields(value):
                out += list(struct.unpack("<%df" % (len(v) // 4), v)) if w == 2 else list(struct.unpack("<f", v))
            return {"floats": out}
        if number == 3:
            out = []
            for n, w, v in fields(value):
                if w == 2:
                    j = 0
                    while j < len(v):
                        x, j = varint(v, j)
                        out.append(signed(x))
                else:
                    out.append(signed(v))
            return {"int64s": out}
        raise ValueError("feature field %d" % number)

    def example(buf):
        result, keys = {}, []
        for number, wire, features in fields(buf):
            assert number == 1 and wire == 2, "Example.features"
            for n, w, entry in fields(features):
                assert n == 1 and w == 2, "Features.feature"
                key, value = None, None
                for m, _, x in fields(entry):
                    if m == 1:
                        key = x.decode("utf-8")
                    elif m == 2:
                        value = feature(x)
                keys.append(key)
                result[key] = value
        return {"keys": keys, "features": result}

    def read(path):
        data = open(path, "rb").read()
        i, records = 0, []
        while i < len(data):
            header = data[i:i + 8]
            (length,) = struct.unpack("<Q", header)
            (length_crc,) = struct.unpack("<I", data[i + 8:i + 12])
            if masked(crc32c(header)) != length_crc:
                raise SystemExit("bad length crc at %d" % i)
            payload = data[i + 12:i + 12 + length]
            (data_crc,) = struct.unpack("<I", data[i + 12 + length:i + 16 + length])
            if len(payload) != length or masked(crc32c(payload)) != data_crc:
                raise SystemExit("bad data crc at %d" % i)
            records.append(payload)
            i += 16 + length
        return records

    if sys.argv[1] == "frame":
        sys.stdout.write(frame(bytes.fromhex(sys.argv[2])).hex())
    elif sys.argv[1] == "crc":
        sys.stdout.write("%08x %08x" % (crc32c(bytes.fromhex(sys.argv[2])), masked(crc32c(bytes.fromhex(sys.argv[2])))))
    elif sys.argv[1] == "examples":
        for path in sys.argv[2:]:
            for record in read(path):
                print(json.dumps({"file": path.rsplit("/", 2)[-2], **example(record)}, sort_keys=True))
    """#

    /// The Python interpreter the tests use.
    static var python: String { ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"] ?? "python3" }

    /// Runs the script with `arguments`; returns its standard output, or throws with its standard error.
    static func run(_ arguments: [String], files: [String: [UInt8]] = [:]) throws -> (output: String, folder: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steward-data-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try script.write(toFile: folder + "/peer.py", atomically: true, encoding: .utf8)
        for (path, bytes) in files {
            let full = folder + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, folder + "/peer.py"] + arguments.map { $0.replacingOccurrences(of: "$DIR", with: folder) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerFailure(message: String(decoding: error, as: UTF8.self))
        }
        return (String(decoding: output, as: UTF8.self), folder)
    }

    struct PeerFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "python peer failed: \(message)" }
    }
}

extension Collection<UInt8> {
    /// Lowercase hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
