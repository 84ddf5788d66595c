import Foundation
import StewardCore
import Testing

@Suite("TFRecord files and tf.train.Example")
struct TFRecordTests {
    @Test("one record is framed as length, masked length crc, data, masked data crc")
    func framingLayout() {
        var writer = TFRecordWriter()
        writer.append(Array("abc".utf8))
        let bytes = writer.bytes
        #expect(bytes.count == 8 + 4 + 3 + 4)
        #expect(Array(bytes[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[12..<15]) == Array("abc".utf8))
        let lengthCRC = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        let dataCRC = UInt32(bytes[15]) | UInt32(bytes[16]) << 8 | UInt32(bytes[17]) << 16 | UInt32(bytes[18]) << 24
        #expect(lengthCRC == CRC32C.masked(CRC32C.checksum([3, 0, 0, 0, 0, 0, 0, 0])))
        #expect(dataCRC == CRC32C.masked(CRC32C.checksum(Array("abc".utf8))))
        #expect(writer.count == 1)
    }

    @Test("the mask rotates right by 15 and adds 0xa282ead8")
    func maskByHand() {
        // 0xE3069283 rotated right by 15: the high 17 bits 0x1C60D move down, the low 15 bits 0x1283 move
        // to the top (0x1283 << 17 = 0x25060000): 0x2507C60D. Plus 0xA282EAD8, modulo 2^32: 0xC78AB0E5.
        #expect(CRC32C.masked(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
    }

    @Test("checksums and framed records agree with an independent Python implementation",
          arguments: [[UInt8](), Array("123456789".utf8), Array(0...255), Array(repeating: 0xFF, count: 1000)])
    func framingMatchesPython(payload: [UInt8]) throws {
        let crc = try PythonPeer.run(["crc", payload.hex]).output
        let expected = String(format: "%08x %08x", CRC32C.checksum(payload), CRC32C.masked(CRC32C.checksum(payload)))
        #expect(crc == expected)
        let framed = try PythonPeer.run(["frame", payload.hex]).output
        #expect(framed == TFRecordWriter.file([payload]).hex)
    }

    @Test("an image example encodes to the bytes worked out by hand")
    func imageExampleBytes() {
        let bytes = TFExample.imageExample(image: [0xAB], label: 3).serialized()
        let imageEntry: [UInt8] = [0x0A, 0x05] + Array("image".utf8) + [0x12, 0x05, 0x0A, 0x03, 0x0A, 0x01, 0xAB]
        let labelEntry: [UInt8] = [0x0A, 0x05] + Array("label".utf8) + [0x12, 0x05, 0x1A, 0x03, 0x0A, 0x01, 0x03]
        let features: [UInt8] = [0x0A, 14] + imageEntry + [0x0A, 14] + labelEntry
        #expect(bytes == [0x0A, 32] + features)
    }

    @Test("negative and large int64s are ten-byte and multi-byte varints")
    func varints() {
        let feature = TFExample(features: ["n": .int64s([-1, 300])]).serialized()
        // Int64List{value: packed [-1, 300]}: -1 is nine 0xFF then 0x01; 300 is 0xAC 0x02.
        let packed: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xAC, 0x02]
        let list: [UInt8] = [0x0A, UInt8(packed.count)] + packed
        let value: [UInt8] = [0x1A, UInt8(list.count)] + list
        let entry: [UInt8] = [0x0A, 0x01, UInt8(ascii: "n"), 0x12, UInt8(value.count)] + value
        let map: [UInt8] = [0x0A, UInt8(entry.count)] + entry
        #expect(feature == [0x0A, UInt8(map.count)] + map)
    }

    @Test("keys are written in byte order whatever the dictionary order")
    func keyOrder() {
        let a = TFExample(features: ["b": .int64s([1]), "a": .floats([0.5]), "c": .bytes([[1]])]).serialized()
        var features: [String: TFExample.Feature] = [:]
        features["c"] = .bytes([[1]])
        features["a"] = .floats([0.5])
        features["b"] = .int64s([1])
        #expect(a == TFExample(features: features).serialized())
    }

    @Test("a Python reader with its own CRC-32C and protobuf decoder reads the examples back")
    func pythonReadsExamples() throws {
        let images: [[UInt8]] = [[0xFF, 0xD8, 0xFF, 0xE0], Array(repeating: 7, count: 300), [], Array(0...200)]
        var writer = TFRecordWriter()
        for (i, image) in images.enumerated() { writer.append(TFExample.imageExample(image: image, label: Int64(i * 3)).serialized()) }
        writer.append(TFExample(features: ["score": .floats([0.25, -2]), "ids": .int64s([-5, 1 << 40]), "empty": .bytes([])]).serialized())
        let output = try PythonPeer.run(["examples", "$DIR/train/data.tfrecord"], files: ["train/data.tfrecord": writer.bytes]).output
        let lines = output.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        try #require(lines.count == 5)
        for (i, image) in images.enumerated() {
            let features = lines[i]["features"] as! [String: [String: Any]]
            #expect(lines[i]["keys"] as? [String] == ["image", "label"])
            #expect(features["image"]?["bytes"] as? [String] == [image.hex])
            #expect(features["label"]?["int64s"] as? [Int] == [i * 3])
        }
        let last = lines[4]["features"] as! [String: [String: Any]]
        #expect(lines[4]["keys"] as? [String] == ["empty", "ids", "score"])
        #expect(last["score"]?["floats"] as? [Double] == [0.25, -2])
        #expect(last["ids"]?["int64s"] as? [Int] == [-5, 1 << 40])
        #expect(last["empty"]?["bytes"] as? [String] == [])
    }
}
