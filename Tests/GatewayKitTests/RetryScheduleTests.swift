// The retry schedule: waits in order, Retry-After in their place (capped), nothing after the last attempt.
import GatewayKit
import Testing

@Test func theStandardScheduleRetriesForMoreThanADay() {
    let schedule = RetrySchedule.standard
    #expect(schedule.maxAttempts == 8)
    let waits = (1...7).compactMap { schedule.delay(afterAttempt: $0, retryAfter: nil) }
    #expect(waits == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
    #expect(schedule.delay(afterAttempt: 8, retryAfter: nil) == nil, "the eighth attempt was the last")
    #expect(waits.reduce(0, +) / 3600 > 27, "about 27.6 hours from the first attempt to the last")
}

@Test func retryAfterReplacesTheScheduledWaitWithinItsCeiling() {
    let schedule = RetrySchedule(delays: [5, 300], maxRetryAfter: 600)
    #expect(schedule.delay(afterAttempt: 1, retryAfter: 120) == 120)
    #expect(schedule.delay(afterAttempt: 2, retryAfter: 1) == 1)
    #expect(schedule.delay(afterAttempt: 1, retryAfter: 86_400) == 600)
    #expect(schedule.delay(afterAttempt: 1, retryAfter: -3) == 0)
    #expect(schedule.delay(afterAttempt: 3, retryAfter: 1) == nil, "Retry-After does not add attempts")
}
