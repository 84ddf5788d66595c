import Foundation
import Logging
import StewardRuntime

/// Retries idempotent requests that failed for a reason that may pass: HTTP 408, 429, 500, 502, 503, 504
/// (the policy's set) and connection failures, with exponential backoff, full jitter and `Retry-After`.
///
/// Non-idempotent requests go out once. When the attempts or the time run out, the last response is
/// returned (or the last connection error thrown), for the caller to map.
public struct RetryingTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let policy: RetryPolicy
    public let timing: RetryTiming
    public let logger: Logger

    public init(base: any HTTPTransport, policy: RetryPolicy = .standard, timing: RetryTiming = .system, logger: Logger) {
        self.base = base
        self.policy = policy
        self.timing = timing
        self.logger = logger
    }

    public func send(_ request: APIRequest) async throws -> APIResponse {
        let started = timing.now()
        var attempt = 0
        while true {
            let outcome: Result<APIResponse, any Error>
            do {
                outcome = .success(try await base.send(request))
            } catch {
                if error is CancellationError { throw error }
                outcome = .failure(error)
            }

            let serverAsked: Double?
            let reason: String
            switch outcome {
            case .success(let response):
                guard request.idempotent, policy.retryableStatuses.contains(response.status) else { return response }
                serverAsked = RetryAfter.seconds(in: response, now: timing.date())
                reason = "http \(response.status)"
            case .failure(let error):
                guard request.idempotent, Self.isTransient(error) else { throw error }
                serverAsked = nil
                reason = "connection"
            }

            let delay = policy.delay(afterAttempt: attempt, unitRandom: timing.random(), serverAsked: serverAsked)
            let elapsed = timing.now() - started
            if attempt + 1 >= policy.maximumAttempts || elapsed + delay > policy.totalTimeout {
                logger.debug("http retries exhausted", metadata: [
                    "http.service": "\(request.service)", "http.method": "\(request.method)",
                    "http.attempts": "\(attempt + 1)", "http.reason": "\(reason)",
                ])
                return try outcome.get()
            }
            logger.debug("http request retried", metadata: [
                "http.service": "\(request.service)", "http.method": "\(request.method)",
                "http.path": "\(Redactor.path(of: request.url))", "http.attempt": "\(attempt + 1)",
                "http.reason": "\(reason)", "http.delay": "\(delay)",
            ])
            try await timing.sleep(delay)
            attempt += 1
        }
    }

    /// Whether an error thrown by the layer below is a connection failure or timeout worth retrying.
    static func isTransient(_ error: any Error) -> Bool {
        if let runtime = error as? RuntimeError {
            return runtime.disposition == .retry
                && (runtime.code == HTTPErrorCode.unavailable.rawValue || runtime.code == HTTPErrorCode.timeout.rawValue)
        }
        return false
    }
}
