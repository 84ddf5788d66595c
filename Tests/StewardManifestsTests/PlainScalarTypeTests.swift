@testable import StewardManifests
import Testing
import Yams

/// The hand-written plain-scalar typing must agree with Yams's default resolver, rule for rule.
@Suite("Plain scalar types agree with Yams's default resolver")
struct PlainScalarTypeTests {
    static let corpus: [String] = [
        "", "~", "null", "Null", "NULL", "nul", "yes", "No", "ON", "off", "true", "False", "TRUE", "tru", "y", "n",
        "0", "00", "07", "08", "0o17", "0o8", "0b101", "0b2", "0x1F", "0xg", "-0", "+5", "12", "1_000", "-1_0",
        "1:30", "1:30:59", "1:60", "190:20:30", "0:30", "12:", "1.5", "1.", ".5", "-.5", "+.5e3", ".5e+3", ".5e3",
        "1e3", "1E-3", "1.5e+10", "1.5e", "1_0.5", "1:30.5", "1:30:00.25", "1:30", ".inf", "-.inf", "+.INF", ".Inf",
        ".nan", ".NaN", "-.nan", "nan", "inf", "<<", "=", "==", "2026-11-29", "2026-1-1", "2026-11-29T10:00:00",
        "2026-11-29t10:00:00Z", "2026-11-29 10:00:00.5 +02:00", "2026-11-29T1:00:00-5", "2026-11-29T10:00",
        "2026-11-29 10:00:00Z", "2026-11-2", "20261129", "span-1", "gs://bucket/path", "${spans.glob}", "Queue",
        "v1.2.3", "1.2.3", "0.9", "100", "n1-standard-4", "us-central1", "a b", "-", "+", ".", "_", "0_", "0x",
        "0b", "0o", "--1", "1e", "e3", "12e3", "-12.5E-10",
    ]

    @Test("every scalar of the corpus gets the same type")
    func agree() {
        for text in Self.corpus {
            let yams = Resolver.default.resolveTag(of: Node(text))
            #expect(PlainScalarType.resolve(text) == yams, "'\(text)': Yams says \(yams.rawValue)")
        }
    }
}
