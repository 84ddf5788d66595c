/// An open-addressing table from byte strings to their insertion index, looked up by raw bytes so the
/// evaluation hot path never builds a `String` per line.
struct ByteKeyTable: Sendable {
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Index + 1 of the key in each slot; 0 is empty.
    private var slots: [Int32]
    private var mask: Int

    /// A table sized for about `capacity` keys.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// How many distinct keys the table holds.
    var count: Int { hashes.count }

    /// Adds `key` unless present; returns its index either way.
    @discardableResult
    mutating func insert<C: Collection>(_ key: C) -> Int where C.Element == UInt8 {
        let bytes = Array(key)
        if let existing = bytes.withUnsafeBufferPointer({ lookup($0.baseAddress, $0.count) }) { return existing }
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let hash = bytes.withUnsafeBufferPointer { Self.hash($0.baseAddress, $0.count) }
        let index = hashes.count
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        hashes.append(hash)
        place(index: index, hash: hash)
        return index
    }

    /// The key at `index`.
    func key(at index: Int) -> ArraySlice<UInt8> { storage[offsets[index]..<offsets[index + 1]] }

    /// The index of the key equal to the `count` bytes at `start`, or nil.
    @inline(__always)
    func lookup(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int? {
        let hash = Self.hash(start, count)
        return storage.withUnsafeBufferPointer { keys -> Int? in
            slots.withUnsafeBufferPointer { slots -> Int? in
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let entry = Int(slots[slot])
                    if entry == 0 { return nil }
                    let index = entry - 1
                    if hashes[index] == hash {
                        let from = offsets[index]
                        if offsets[index + 1] - from == count
                            && (count == 0 || memoryEqual(keys.baseAddress! + from, start!, count)) {
                            return index
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func place(index: Int, hash: UInt64) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for (index, hash) in hashes.enumerated() { place(index: index, hash: hash) }
    }

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
