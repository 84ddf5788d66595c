import StewardFakes
import Foundation
import Hummingbird
import StewardHTTP
import StewardRuntime
import Testing

@Suite("Retrying transport over a real socket")
struct RetryingTransportTests {
    /// A server whose GET and POST /flaky answer with `statuses` in turn (the last one repeats).
    private func flakyRouter(_ statuses: [(HTTPResponse.Status, [(String, String)])], hits: Recorder<String>) -> Router<BasicRequestContext> {
        let router = Router()
        let answer: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            await hits.append(request.method.rawValue)
            let index = min(await hits.count - 1, statuses.count - 1)
            let (status, headers) = statuses[index]
            return makeResponse(status, #"{"ok": \#(status.code)}"#, headers: headers)
        }
        router.get("/flaky", use: answer)
        router.post("/flaky", use: answer)
        return router
    }

    @Test("a 503 and then a 200 is retried once, after a jittered backoff")
    func retries503() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let response = try await withLocalServer(flakyRouter([(.serviceUnavailable, []), (.ok, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        #expect(response.status == 200)
        #expect(await hits.count == 2)
        // Full jitter: half (the injected random) of the 1 s initial ceiling.
        #expect(clock.delays == [0.5])
    }

    @Test("a 429 with Retry-After: 2 waits 2 seconds")
    func honoursRetryAfterSeconds() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let router = flakyRouter([(.tooManyRequests, [("Retry-After", "2")]), (.ok, [])], hits: hits)
        let response = try await withLocalServer(router) { base async throws in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: clock.timing(random: 0.25), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        #expect(response.status == 200)
        #expect(clock.delays == [2])
    }

    @Test("a Retry-After HTTP date is read against the injected wall clock")
    func honoursRetryAfterDate() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT; the server asks for 7 seconds later.
        let router = flakyRouter([(.serviceUnavailable, [("Retry-After", "Tue, 14 Nov 2023 22:13:27 GMT")]), (.ok, [])], hits: hits)
        _ = try await withLocalServer(router) { base async throws in
            let transport = RetryingTransport(
                base: AsyncHTTPTransport(),
                timing: clock.timing(random: 0, date: Date(timeIntervalSince1970: 1_700_000_000)), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        #expect(clock.delays == [7])
    }

    @Test("a non-idempotent POST is sent once, even on a 503")
    func doesNotRetryPost() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let response = try await withLocalServer(flakyRouter([(.serviceUnavailable, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "POST", url: base + "/flaky", body: Array("{}".utf8), service: "test"))
        }
        #expect(response.status == 503)
        #expect(await hits.values == ["POST"])
        #expect(clock.delays.isEmpty)
    }

    @Test("an idempotent POST (a write with a precondition) is retried")
    func retriesIdempotentPost() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let response = try await withLocalServer(flakyRouter([(.badGateway, []), (.ok, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "POST", url: base + "/flaky", body: [], idempotent: true, service: "test"))
        }
        #expect(response.status == 200)
        #expect(await hits.values == ["POST", "POST"])
    }

    @Test("attempts are bounded and the backoff doubles")
    func boundsAttempts() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let policy = RetryPolicy(maximumAttempts: 4)
        let response = try await withLocalServer(flakyRouter([(.internalServerError, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), policy: policy, timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        #expect(response.status == 500)
        #expect(await hits.count == 4)
        #expect(clock.delays == [0.5, 1, 2])
    }

    @Test("no retry starts that would end after the total time")
    func boundsTotalTime() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let policy = RetryPolicy(maximumAttempts: 10, initialDelay: 4, totalTimeout: 10)
        _ = try await withLocalServer(flakyRouter([(.serviceUnavailable, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), policy: policy, timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        // Waits of 2 and 4 fit in 10 s; the next (8) would end at 14.
        #expect(clock.delays == [2, 4])
        #expect(await hits.count == 3)
    }

    @Test("a 400 is not retried")
    func doesNotRetryClientErrors() async throws {
        let hits = Recorder<String>()
        let clock = ManualClock()
        let response = try await withLocalServer(flakyRouter([(.badRequest, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: clock.timing(random: 0.5), logger: quietLogger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky", service: "test"))
        }
        #expect(response.status == 400)
        #expect(await hits.count == 1)
    }

    @Test("a refused connection is retried for idempotent requests, then reported as unavailable")
    func retriesConnectionErrors() async throws {
        let clock = ManualClock()
        let transport = RetryingTransport(base: AsyncHTTPTransport(), policy: RetryPolicy(maximumAttempts: 3),
                                          timing: clock.timing(random: 0.5), logger: quietLogger)
        // Nothing listens on port 1 of the loopback interface.
        let request = APIRequest(method: "GET", url: "http://127.0.0.1:1/x", service: "test", timeout: 5)
        let error = await #expect(throws: RuntimeError.self) { try await transport.send(request) }
        #expect(error?.code == "unavailable")
        #expect(error?.disposition == .retry)
        #expect(clock.delays == [0.5, 1])

        let post = APIRequest(method: "POST", url: "http://127.0.0.1:1/x", service: "test", timeout: 5)
        let postClock = ManualClock()
        let once = RetryingTransport(base: AsyncHTTPTransport(), timing: postClock.timing(random: 0.5), logger: quietLogger)
        await #expect(throws: RuntimeError.self) { try await once.send(post) }
        #expect(postClock.delays.isEmpty)
    }

    @Test("retry log lines carry no signed-URL secrets")
    func logsWithoutSecrets() async throws {
        let hits = Recorder<String>()
        let capture = LogCapture()
        let secret = "0123456789abcdef0123456789abcdef"
        _ = try await withLocalServer(flakyRouter([(.serviceUnavailable, []), (.ok, [])], hits: hits)) { base in
            let transport = RetryingTransport(base: AsyncHTTPTransport(), timing: ManualClock().timing(random: 0.1), logger: capture.logger)
            return try await transport.send(APIRequest(method: "GET", url: base + "/flaky?X-Goog-Signature=\(secret)&sig=\(secret)", service: "test"))
        }
        #expect(capture.text.contains("http request retried"))
        #expect(!capture.text.contains(secret))
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the ceiling starts at 1 s, doubles and stops at the cap")
    func ceilings() {
        let policy = RetryPolicy(initialDelay: 1, multiplier: 2, maximumDelay: 32)
        #expect((0..<8).map { policy.backoffCeiling(afterAttempt: $0) } == [1, 2, 4, 8, 16, 32, 32, 32])
    }

    @Test("the server's wait wins over a shorter jittered wait, never the other way")
    func serverWaitIsAFloor() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 3, unitRandom: 0.5, serverAsked: 1) == 4)
        #expect(policy.delay(afterAttempt: 0, unitRandom: 0.5, serverAsked: 30) == 30)
    }

    @Test("Retry-After parses seconds and the three HTTP date forms")
    func parsesRetryAfter() {
        let now = Date(timeIntervalSince1970: 784_111_767) // Sun, 06 Nov 1994 08:49:27 GMT
        #expect(RetryAfter.parse("120", now: now) == 120)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 10)
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == 10)
        #expect(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now: now) == 10)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parseDuration("0.5s") == 0.5)
    }
}
