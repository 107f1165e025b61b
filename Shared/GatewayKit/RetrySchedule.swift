// When to try a delivery again: a fixed list of waits, in the spirit of Standard Webhooks (hours, not seconds).
import Foundation

public struct RetrySchedule: Sendable, Equatable {
    /// The wait before attempt 2, 3, …; attempt 1 goes at once. Its count + 1 is the number of attempts.
    public var delays: [Double]
    /// Ceiling for a receiver's Retry-After, so a bogus value cannot park a delivery for a month.
    public var maxRetryAfter: Double

    /// Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts over about 28 hours.
    public static let standard = RetrySchedule(delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])

    public init(delays: [Double], maxRetryAfter: Double = 36_000) {
        self.delays = delays.map { max(0, $0) }
        self.maxRetryAfter = maxRetryAfter
    }

    public var maxAttempts: Int { delays.count + 1 }

    /// Seconds to wait after attempt `attempt` (1-based) failed, or nil when it was the last. A receiver's Retry-After
    /// replaces the schedule's wait (capped at `maxRetryAfter`): it knows when it will take the request.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double? {
        guard attempt >= 1, attempt <= delays.count else { return nil }
        if let retryAfter, retryAfter.isFinite { return min(max(retryAfter, 0), maxRetryAfter) }
        return delays[attempt - 1]
    }
}
