/// A `tf.train.Example`, encoded to protobuf wire format by hand.
///
/// `Example{features = 1: Features{feature = 1: map<string, Feature>}}`; a map is written as repeated
/// entries `{key = 1, value = 2}` in the byte order of the keys, so that equal examples encode equally.
/// `Feature` is a oneof of `bytes_list = 1`, `float_list = 2` (packed `fixed32`) and `int64_list = 3`
/// (packed varints, negatives as ten-byte two's complement).
public struct TFExample: Sendable, Hashable {
    /// One named feature's values.
    public enum Feature: Sendable, Hashable {
        /// `BytesList`.
        case bytes([[UInt8]])
        /// `FloatList`.
        case floats([Float])
        /// `Int64List`.
        case int64s([Int64])
    }

    /// The features by name.
    public var features: [String: Feature]

    /// An example with `features`.
    public init(features: [String: Feature]) {
        self.features = features
    }

    /// The example the seed's training pipeline reads: `image` (the encoded image bytes) and `label` (the class index).
    public static func imageExample(image: [UInt8], label: Int64) -> TFExample {
        TFExample(features: ["image": .bytes([image]), "label": .int64s([label])])
    }

    /// The serialized `tf.train.Example`.
    public func serialized() -> [UInt8] {
        var map: [UInt8] = []
        for key in features.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            var entry: [UInt8] = []
            entry.appendLengthDelimited(field: 1, Array(key.utf8))
            entry.appendLengthDelimited(field: 2, Self.encode(features[key]!))
            map.appendLengthDelimited(field: 1, entry)
        }
        var example: [UInt8] = []
        example.appendLengthDelimited(field: 1, map)
        return example
    }

    /// A `Feature` message: the oneof field is written even for an empty list, so the kind survives.
    static func encode(_ feature: Feature) -> [UInt8] {
        var list: [UInt8] = []
        var out: [UInt8] = []
        switch feature {
        case .bytes(let values):
            for value in values { list.appendLengthDelimited(field: 1, value) }
            out.appendLengthDelimited(field: 1, list)
        case .floats(let values):
            if !values.isEmpty {
                var packed: [UInt8] = []
                packed.reserveCapacity(values.count * 4)
                for value in values {
                    let bits = value.bitPattern
                    for shift in stride(from: 0, to: 32, by: 8) { packed.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
                }
                list.appendLengthDelimited(field: 1, packed)
            }
            out.appendLengthDelimited(field: 2, list)
        case .int64s(let values):
            if !values.isEmpty {
                var packed: [UInt8] = []
                for value in values { packed.appendVarint(UInt64(bitPattern: value)) }
                list.appendLengthDelimited(field: 1, packed)
            }
            out.appendLengthDelimited(field: 3, list)
        }
        return out
    }
}

extension [UInt8] {
    /// A base-128 varint, least significant group first.
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    /// A wire-type-2 field: tag, length, bytes.
    mutating func appendLengthDelimited(field: UInt64, _ payload: [UInt8]) {
        appendVarint(field << 3 | 2)
        appendVarint(UInt64(payload.count))
        append(contentsOf: payload)
    }
}
