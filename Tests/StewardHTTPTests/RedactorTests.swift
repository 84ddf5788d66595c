import StewardHTTP
import Testing

@Suite("Redactor")
struct RedactorTests {
    /// Texts that each hide one secret.
    static let leaks: [(text: String, secret: String)] = [
        ("Authorization: Bearer abcdefghijklmnop.qrstuv", "abcdefghijklmnop.qrstuv"),
        ("authorization: token ghs_shortbutsecretvalue", "ghs_shortbutsecretvalue"),
        ("got ya29.c.b0Aaekm1K-very_secret.token here", "ya29.c.b0Aaekm1K-very_secret.token"),
        ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz end", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
        ("classic ghp_0123456789abcdefghijABCDEFGHIJ012345 end", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
        (#"{"access_token": "opaque-token-value", "expires_in": 3599}"#, "opaque-token-value"),
        (#"{"refresh_token":"1//0e-refresh","x":1}"#, "1//0e-refresh"),
        (#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n"}"#, "MIIEvQIBADANBgkq"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"),
        ("https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=abc123def456", "abc123def456"),
        ("https://acct.blob.core.windows.net/c/b?sv=2022&sig=Zm9vYmFyYmF6", "Zm9vYmFyYmF6"),
        ("grant_type=refresh_token&client_secret=s3cr3t&refresh_token=1%2F%2Fabc", "s3cr3t"),
        ("assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl", "c2lnbmF0dXJl"),
    ]

    @Test("every known kind of secret is replaced", arguments: 0..<leaks.count)
    func redacts(_ index: Int) {
        let (text, secret) = Self.leaks[index]
        let redacted = Redactor.redact(text)
        #expect(!redacted.contains(secret), "\(redacted)")
        #expect(redacted.contains(Redactor.placeholder))
    }

    @Test("ordinary text is left alone")
    func keepsOrdinaryText() {
        let text = "storage GET /storage/v1/b/bkt/o/a%2Fb: HTTP 404: No such object: bkt/a/b; the token endpoint did not answer"
        #expect(Redactor.redact(text) == text)
    }

    @Test("the path of a URL drops the host and the query")
    func pathOfURL() {
        #expect(Redactor.path(of: "https://storage.googleapis.com/storage/v1/b/x/o?alt=media&sig=1") == "/storage/v1/b/x/o")
        #expect(Redactor.path(of: "http://127.0.0.1:9") == "/")
    }
}

@Suite("URL encoding")
struct URLEncodingTests {
    @Test("an object name becomes one path segment")
    func encodesSegments() {
        #expect(URLEncoding.component("a/b c#d?.txt") == "a%2Fb%20c%23d%3F.txt")
        #expect(URLEncoding.component("é~_-.") == "%C3%A9~_-.")
        #expect(URLEncoding.query([("prefix", "a b/"), ("pageToken", nil), ("delimiter", "/")]) == "prefix=a%20b%2F&delimiter=%2F")
    }

    @Test("a multi-segment path parameter keeps its slashes and encodes the rest")
    func encodesPaths() {
        #expect(URLEncoding.component("a&b=c/d") == "a%26b%3Dc%2Fd")
        #expect(URLEncoding.path("models/v1+rc") == "models/v1%2Brc")
        #expect(URLEncoding.path("model card.md") == "model%20card.md")
    }
}
