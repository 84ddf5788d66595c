import Crypto

/// The deterministic train/test split of a new span's samples.
///
/// Samples are ranked by the SHA-256 of their names (ties, which need a collision, by name); the first
/// `round(count × train / 100)` go to `train`, the rest to `test`. What this guarantees:
/// - the same set of names always splits the same way, whatever their order in the input;
/// - every distinct name lands on exactly one side, none is lost, duplicates in the input count once;
/// - the train share is exact (60 samples at 80/20 are 48/12);
/// - a sample's side depends only on its hash rank among the others: adding `m` samples to a set moves at most
///   `m` of the existing samples across sides, and only ones next to the boundary in hash order.
public enum Split {
    /// Divides `samples` by `splits.train` percent; both sides come in hash order.
    public static func assign(samples: [String], splits: DatasetSpec.Splits) -> (train: [String], test: [String]) {
        let ranked = rank(samples)
        let trainCount = trainCount(of: ranked.count, percent: splits.train)
        return (Array(ranked[..<trainCount]), Array(ranked[trainCount...]))
    }

    /// How many of `count` samples go to train at `percent`: rounded half up, in integers, clamped to the count.
    public static func trainCount(of count: Int, percent: Int) -> Int {
        let p = min(max(percent, 0), 100)
        return (count * p * 2 + 100) / 200
    }

    /// The distinct names in hash order.
    static func rank(_ samples: [String]) -> [String] {
        var seen = Set<String>()
        var keyed: [(digest: [UInt8], name: String)] = []
        keyed.reserveCapacity(samples.count)
        for name in samples where seen.insert(name).inserted {
            keyed.append((Array(SHA256.hash(data: Array(name.utf8))), name))
        }
        keyed.sort { a, b in
            a.digest == b.digest ? a.name.utf8.lexicographicallyPrecedes(b.name.utf8) : a.digest.lexicographicallyPrecedes(b.digest)
        }
        return keyed.map(\.name)
    }
}
