// RetryPolicy as pure functions: which answers are retried, backoff growth and cap, Retry-After.
import Foundation
import HTTPClient
import Testing

@Suite struct RetryPolicyTests {
    @Test func retryableStatuses() {
        let policy = RetryPolicy()
        for status in [408, 425, 429, 500, 502, 503, 504, 599] {
            #expect(policy.shouldRetry(status: status), "\(status)")
        }
        for status in [200, 201, 204, 301, 400, 401, 403, 404, 409, 410, 413, 422] {
            #expect(!policy.shouldRetry(status: status), "\(status)")
        }
    }

    @Test func retryableErrors() {
        let policy = RetryPolicy()
        let retried = [HTTPClientError.Code.timeout, .connect, .tls, .invalidURL, .other].filter {
            policy.shouldRetry(error: HTTPClientError(code: $0, message: ""))
        }
        #expect(retried == [.timeout, .connect])
    }

    @Test func backoffGrowsAndStaysUnderMaxDelay() {
        let policy = RetryPolicy(maxAttempts: 20, baseDelay: 0.5, maxDelay: 30)
        let ceilings = (1...12).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: 1) }
        #expect(ceilings.prefix(6) == [0.5, 1, 2, 4, 8, 16])
        #expect(zip(ceilings, ceilings.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(ceilings.allSatisfy { $0 <= 30 })
        #expect(ceilings.last == 30)
        #expect(policy.delay(afterAttempt: 10_000, retryAfter: nil, random: 1) == 30)
    }

    @Test func jitterScalesWithinTheCeiling() {
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 30)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 0.5) == 2)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 0) == 0)
        let drawn = (0..<200).map { _ in policy.delay(afterAttempt: 4, retryAfter: nil) }
        #expect(drawn.allSatisfy { $0 >= 0 && $0 <= 8 })
        #expect(Set(drawn).count > 1)  // really jittered
    }

    @Test func retryAfterDeltaSecondsOverridesAndIsCapped() {
        let policy = RetryPolicy(maxDelay: 30, maxRetryAfter: 300)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "120", random: 1) == 120)
        #expect(policy.delay(afterAttempt: 1, retryAfter: " 0 ", random: 1) == 0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "86400", random: 1) == 300)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "99999999999999999999999", random: 1) == 300)
    }

    @Test func retryAfterHTTPDateInAllThreeFormats() {
        let policy = RetryPolicy()
        // 1994-11-06 08:49:37 UTC
        let moment = Date(timeIntervalSince1970: 784_111_777)
        let before = moment.addingTimeInterval(-45)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT", now: before, random: 1) == 45)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "Sunday, 06-Nov-94 08:49:37 GMT", now: before, random: 1) == 45)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "Sun Nov  6 08:49:37 1994", now: before, random: 1) == 45)
        // A date in the past means "now".
        #expect(policy.delay(afterAttempt: 1, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT", now: moment.addingTimeInterval(10), random: 1) == 0)
    }

    @Test func unparsableRetryAfterFallsBackToBackoff() {
        let policy = RetryPolicy(baseDelay: 0.5, maxDelay: 30)
        for value in ["soon", "", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT"] {
            #expect(policy.delay(afterAttempt: 2, retryAfter: value, random: 1) == 1, "\(value)")
        }
    }
}
