/// Frames records as TensorFlow's `TFRecordDataset` reads them, into an in-memory buffer.
///
/// Each record is: its length as a little-endian `UInt64`, the masked CRC-32C of those 8 bytes
/// (little-endian `UInt32`), the data, and the masked CRC-32C of the data.
public struct TFRecordWriter: Sendable, Hashable {
    /// The framed records written so far: the content of a `.tfrecord` file.
    public private(set) var bytes: [UInt8]
    /// How many records were appended.
    public private(set) var count: Int

    /// An empty file.
    public init() {
        bytes = []
        count = 0
    }

    /// Appends one record.
    public mutating func append<C: Collection>(_ record: C) where C.Element == UInt8 {
        let length = UInt64(record.count)
        let header: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        bytes.reserveCapacity(bytes.count + 16 + record.count)
        bytes.append(contentsOf: header)
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(header)))
        bytes.append(contentsOf: record)
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(record)))
        count += 1
    }

    /// The framed file of `records`, in order.
    public static func file<S: Sequence>(_ records: S) -> [UInt8] where S.Element == [UInt8] {
        var writer = TFRecordWriter()
        for record in records { writer.append(record) }
        return writer.bytes
    }

    private mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
