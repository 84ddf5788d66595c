/// An open-addressing table from byte strings to their insertion index, looked up by raw bytes so the
/// evaluation hot path never builds a `String` per line.
///
/// A slot holds a hash tag, the key's index and where its bytes are, so a lookup touches one slot and the
/// key's bytes: with a million keys every touch is a cache miss, and this keeps them to two.
struct ByteKeyTable: Sendable {
    private struct Slot: Sendable {
        /// The upper half of the key's hash; 0 marks an empty slot (tags are forced non-zero).
        var tag: UInt32 = 0
        var index: UInt32 = 0
        var start: UInt32 = 0
        var count: UInt32 = 0
    }

    private var storage: [UInt8] = []
    private var slots: [Slot]
    private var mask: Int
    /// How many distinct keys the table holds.
    private(set) var count = 0

    /// A table sized for about `capacity` keys.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
    }

    /// Adds the UTF-8 of `key` unless present; returns its index either way.
    @discardableResult
    mutating func insert(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { insert($0) }
    }

    /// Adds `key` unless present; returns its index either way.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(key.baseAddress, key.count)
        if let existing = find(key.baseAddress, key.count, hash: hash) { return existing }
        // Slots address key bytes with 32-bit offsets: evaluation batches are far below 4 GiB of names.
        precondition(storage.count + key.count <= Int(UInt32.max), "keys exceed 4 GiB")
        if (count + 1) * 2 > slots.count { grow() }
        let slot = Slot(tag: Self.tag(hash), index: UInt32(count), start: UInt32(storage.count), count: UInt32(key.count))
        storage.append(contentsOf: key)
        place(slot, hash: hash)
        count += 1
        return count - 1
    }

    /// The index of the key equal to the `count` bytes at `start`, or nil.
    @inline(__always)
    func lookup(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int? {
        find(start, count, hash: Self.hash(start, count))
    }

    /// The index of `key`, or nil.
    func lookup(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { lookup($0.baseAddress, $0.count) }
    }

    @inline(__always)
    private func find(_ start: UnsafePointer<UInt8>?, _ count: Int, hash: UInt64) -> Int? {
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { slots -> Int? in
            storage.withUnsafeBufferPointer { keys -> Int? in
                var position = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[position]
                    if slot.tag == 0 { return nil }
                    if slot.tag == tag && Int(slot.count) == count
                        && (count == 0 || memoryEqual(keys.baseAddress! + Int(slot.start), start!, count)) {
                        return Int(slot.index)
                    }
                    position = (position + 1) & mask
                }
            }
        }
    }

    private mutating func place(_ slot: Slot, hash: UInt64) {
        var position = Int(truncatingIfNeeded: hash) & mask
        while slots[position].tag != 0 { position = (position + 1) & mask }
        slots[position] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        storage.withUnsafeBufferPointer { keys in
            for slot in old where slot.tag != 0 {
                let hash = Self.hash(keys.baseAddress! + Int(slot.start), Int(slot.count))
                var position = Int(truncatingIfNeeded: hash) & mask
                while slots[position].tag != 0 { position = (position + 1) & mask }
                slots[position] = slot
            }
        }
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) | 1 }

    /// A fast non-cryptographic hash, eight bytes at a time.
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>?, _ count: Int) -> UInt64 {
        guard let start, count > 0 else { return 0x9E37_79B9_7F4A_7C15 }
        let raw = UnsafeRawPointer(start)
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(count)
        var i = 0
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(start[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        return h
    }
}

/// Whether `count` bytes at `a` and `b` are equal.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= count {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
