/// Span numbering, selection and exact glob patterns.
public enum Spans {
    /// The number of a span folder name `span-<N>` (N ≥ 1, no leading zeros), or nil.
    public static func number(ofFolder name: String) -> Int? {
        guard name.hasPrefix("span-") else { return nil }
        let digits = name.dropFirst(5)
        guard let first = digits.first, first != "0", digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              digits.count <= 9, let n = Int(digits) else { return nil }
        return n
    }

    /// The newest `count` complete spans, oldest first, in numeric order (9 before 10).
    public static func newest(_ count: Int, of spans: [ObservedSpan]) -> [Int] {
        let complete = Set(spans.filter { $0.state.isComplete }.map(\.number)).sorted()
        return Array(complete.suffix(count))
    }

    /// The highest complete span, or 0.
    public static func highestComplete(_ spans: [ObservedSpan]) -> Int {
        spans.filter { $0.state.isComplete }.map(\.number).max() ?? 0
    }

    /// A glob that matches exactly the folders `span-N` for N in `numbers` and no other span folder,
    /// using only `*`, `?` and `[...]` (TensorFlow's glob has no `{a,b}`); nil when none exists.
    ///
    /// `[10, 11]` → `span-1[01]`; `[1, 2]` → `span-[12]`; `[9, 10]` → nil (different lengths).
    public static func exactGlob(_ numbers: [Int]) -> String? {
        let unique = Set(numbers)
        guard !unique.isEmpty, unique.allSatisfy({ $0 > 0 }) else { return nil }
        let texts = unique.map(String.init)
        let width = texts.first!.count
        guard texts.allSatisfy({ $0.count == width }) else { return nil }
        let positions: [Set<Character>] = (0..<width).map { i in
            Set(texts.map { Array($0)[i] })
        }
        // The product of the per-position sets matches exactly the chosen numbers only when it is no larger.
        let product = positions.reduce(1) { $0 * $1.count }
        guard product == unique.count else { return nil }
        return "span-" + positions.map(characterClass).joined()
    }

    private static func characterClass(_ set: Set<Character>) -> String {
        let digits = set.sorted()
        if digits.count == 1 { return String(digits[0]) }
        // Collapse runs of three or more consecutive digits into ranges: [0-3], [1-35-9].
        var parts: [String] = []
        var i = 0
        while i < digits.count {
            var j = i
            while j + 1 < digits.count, digits[j + 1].asciiValue! == digits[j].asciiValue! + 1 { j += 1 }
            if j - i >= 2 { parts.append("\(digits[i])-\(digits[j])") } else { parts += digits[i...j].map { String($0) } }
            i = j + 1
        }
        return "[" + parts.joined() + "]"
    }

    /// `1–3`, `2`, or `1, 3, 5` for display.
    public static func describe(_ numbers: [Int]) -> String {
        guard let first = numbers.first, let last = numbers.last else { return "none" }
        if numbers.count == 1 { return "\(first)" }
        if numbers == Array(first...last) { return "\(first)–\(last)" }
        return numbers.map(String.init).joined(separator: ", ")
    }
}
