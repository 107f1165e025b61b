// Pacing on an injected clock: a burst at once, then one token per 1/rate seconds.
import GatewayKit
import Testing

@Test func aBucketLetsABurstThroughThenPacesAtItsRate() {
    var bucket = TokenBucket(pacing: Pacing(perSecond: 0.5, burst: 5), now: 1_000)
    for _ in 0..<5 {
        #expect(bucket.wait(now: 1_000) == 0)
        bucket.take(now: 1_000)
    }
    #expect(bucket.wait(now: 1_000) == 2, "30 a minute: the sixth waits two seconds")
    #expect(bucket.wait(forPosition: 2, now: 1_000) == 6)
    #expect(bucket.wait(now: 1_001) == 1)
    #expect(bucket.wait(now: 1_002) == 0)
    bucket.take(now: 1_002)
    #expect(bucket.wait(now: 1_002) == 2)
    // Idle for a minute: full again, never more than the burst.
    #expect(bucket.wait(forPosition: 4, now: 1_062) == 0)
    #expect(bucket.wait(forPosition: 5, now: 1_062) == 2)
}

@Test func anUnlimitedBucketNeverWaits() {
    var bucket = TokenBucket(pacing: .unlimited, now: 0)
    for _ in 0..<10_000 { bucket.take(now: 0) }
    #expect(bucket.wait(now: 0) == 0)
    #expect(bucket.wait(forPosition: 1_000_000, now: 0) == 0)
}
