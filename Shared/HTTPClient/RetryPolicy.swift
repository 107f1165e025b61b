// When to try a request again, and how long to wait first.
import Foundation

public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Ceiling for a server's Retry-After: honoured because the server knows its load, capped so a
    /// bogus value cannot park a delivery for days.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 300) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Statuses that say "not now" rather than "never": timeouts, rate limits, server errors.
    public func shouldRetry(status: Int) -> Bool {
        switch status {
        case 408, 425, 429: true
        case 500...599: true
        default: false
        }
    }

    /// Timeouts and connection failures are worth another try; a bad URL or a TLS failure is not.
    public func shouldRetry(error: HTTPClientError) -> Bool {
        switch error.code {
        case .timeout, .connect: true
        case .tls, .invalidURL, .other: false
        }
    }

    /// Seconds to wait after attempt number `attempt` (1 for the first) before the next one.
    ///
    /// Exponential backoff with full jitter (`random` × min(maxDelay, baseDelay × 2^(attempt-1))), so
    /// many senders that failed together do not retry together. A parsable Retry-After
    /// (delta-seconds or HTTP-date, relative to `now`) replaces it, capped at `maxRetryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: String?, now: Date = Date(),
                      random: Double = .random(in: 0...1)) -> Double {
        if let retryAfter, let seconds = Self.retryAfterSeconds(retryAfter, now: now) {
            return min(max(seconds, 0), maxRetryAfter)
        }
        let exponent = Double(max(attempt, 1) - 1)
        let ceiling = min(maxDelay, baseDelay * pow(2, exponent))
        guard ceiling.isFinite, ceiling > 0 else { return max(0, min(maxDelay, ceiling.isNaN ? 0 : ceiling)) }
        let jitter = random.isFinite ? min(max(random, 0), 1) : 1
        return ceiling * jitter
    }
}
