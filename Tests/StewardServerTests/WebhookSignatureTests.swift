import Testing
@testable import StewardServer

@Suite("Webhook signature")
struct WebhookSignatureTests {
    /// GitHub's documented test vector, read from the webhook fixture (and written out in CONTRACTS.md §4).
    struct Vector {
        var secret: [UInt8]
        var payload: [UInt8]
        var header: String
    }

    static func vector() throws -> Vector {
        let schema = try Fixtures.json("github.webhook.push.schema.json")
        let vector = try #require(schema["signature_test_vector"])
        return Vector(secret: Array(try #require(vector["secret"]?.string).utf8),
                      payload: Array(try #require(vector["payload"]?.string).utf8),
                      header: try #require(vector["X-Hub-Signature-256"]?.string))
    }

    @Test("the fixture's test vector is GitHub's documented one")
    func fixtureMatchesDocs() throws {
        let vector = try Self.vector()
        #expect(vector.secret == Array("It's a Secret to Everybody".utf8))
        #expect(vector.payload == Array("Hello, World!".utf8))
        #expect(vector.header == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    }

    @Test("signing the test vector's payload gives exactly GitHub's header")
    func signMatchesVector() throws {
        let vector = try Self.vector()
        #expect(WebhookSignature.sign(body: vector.payload, secret: vector.secret) == vector.header)
    }

    @Test("the test vector verifies")
    func vectorVerifies() throws {
        let vector = try Self.vector()
        #expect(WebhookSignature.verify(body: vector.payload, header: vector.header, secret: vector.secret))
    }

    @Test("an uppercase hex digest is the same digest")
    func uppercaseHex() throws {
        let vector = try Self.vector()
        let upper = "sha256=" + vector.header.dropFirst("sha256=".count).uppercased()
        #expect(WebhookSignature.verify(body: vector.payload, header: upper, secret: vector.secret))
    }

    static let rejected: [(String, String?)] = [
        ("missing header", nil),
        ("empty header", ""),
        ("prefix only", "sha256="),
        ("legacy sha1 prefix", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
        ("no prefix", "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
        ("uppercase prefix", "SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
        ("one digit short", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1"),
        ("one byte short", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e"),
        ("one byte long", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1700"),
        ("not hex", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043ezz"),
        ("trailing space", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 "),
        ("last digit flipped", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e16"),
        ("first digit flipped", "sha256=857107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
    ]

    @Test("malformed, missing, length-mismatched or altered headers are refused", arguments: rejected)
    func refused(_ name: String, _ header: String?) throws {
        let vector = try Self.vector()
        #expect(!WebhookSignature.verify(body: vector.payload, header: header, secret: vector.secret), "\(name)")
    }

    @Test("the wrong secret is refused")
    func wrongSecret() throws {
        let vector = try Self.vector()
        #expect(!WebhookSignature.verify(body: vector.payload, header: vector.header,
                                         secret: Array("It's a Secret to Everybody!".utf8)))
        #expect(!WebhookSignature.verify(body: vector.payload, header: vector.header, secret: []))
    }

    @Test("a changed body is refused")
    func changedBody() throws {
        let vector = try Self.vector()
        #expect(!WebhookSignature.verify(body: Array("Hello, World!\n".utf8), header: vector.header,
                                         secret: vector.secret))
    }

    @Test("the constant-time comparison needs equal lengths and equal bytes")
    func constantTimeEqual() {
        #expect(WebhookSignature.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!WebhookSignature.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookSignature.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!WebhookSignature.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(WebhookSignature.constantTimeEqual([], []))
    }
}
