// Per-destination queues on an injected clock: round robin, pacing, a cap on attempts in flight, pauses that send the
// destination's jobs back to the table, and an estimate that keeps a slow destination's jobs out of memory.
import Contracts
import Foundation
import GatewayKit
import Synchronization
import Testing

final class ManualClock: Sendable {
    private let value = Mutex(1_000.0)
    var now: Double { value.withLock { $0 } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
}

func job(_ seq: Int64, priority: String? = nil) -> GatewayJob {
    let alert = Alert(id: "a\(seq)", tenant: "acme", dedupKey: "k\(seq)", severity: .error, summary: "s", createdAt: Date(timeIntervalSince1970: 0))
    let dispatch = DispatchRequest(dispatchId: "d\(seq)", kind: .notify, event: .triggered, channel: "webhook",
                                   recipient: Recipient(kind: .service, service: "svc", address: "hook"), title: "t", body: "b",
                                   severity: .error, priority: priority, alert: alert)
    return GatewayJob(seq: seq, dispatchId: "d\(seq)", tenant: "acme", dispatch: dispatch)
}

let slow = GatewayDestination(key: "host a", label: "a")
let fast = GatewayDestination(key: "host b", label: "b")

@Test func destinationsTakeTurnsAndEachHasACapOnAttemptsInFlight() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 2, clock: { clock.now })
    #expect(queues.offer((1...4).map { (job($0), slow) } + (5...6).map { (job($0), fast) }).isEmpty)
    var taken: [Int64] = []
    for _ in 0..<4 { taken.append(queues.take()!.job.seq) }
    #expect(taken == [1, 5, 2, 6], "round robin between destinations, two in flight to each")
    // Both destinations are at their cap; one attempt to `slow` ends and its next job goes.
    _ = queues.attemptEnded(slow, duration: 0.01, succeeded: true)
    #expect(queues.take()?.job.seq == 3)
}

@Test func aThrottledDestinationIsPausedAndItsQueuedJobsGoBackToTheTable() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 4, clock: { clock.now })
    _ = queues.offer((1...3).map { (job($0), slow) })
    #expect(queues.take()?.job.seq == 1)
    let deferred = queues.attemptEnded(slow, duration: 0.01, succeeded: false, pause: true, retryAfter: 120)
    #expect(deferred.map(\.job.seq) == [2, 3])
    #expect(deferred.allSatisfy { $0.notBefore == clock.now + 120 })
    // A new job for the paused destination goes straight back to the table; another destination's goes at once.
    let again = queues.offer([(job(4), slow), (job(5), fast)])
    #expect(again.map(\.job.seq) == [4])
    #expect(queues.take()?.job.seq == 5)
    clock.advance(121)
    #expect(queues.offer([(job(6), slow)]).isEmpty)
    #expect(queues.take()?.job.seq == 6)
}

@Test func pausesWithoutRetryAfterDoubleAndASuccessEndsThem() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 4, maxPause: 8, clock: { clock.now })
    var pauses: [Double] = []
    for seq in Int64(1)...5 {
        _ = queues.offer([(job(seq), slow)])
        #expect(queues.take()?.job.seq == seq)
        _ = queues.attemptEnded(slow, duration: 0.01, succeeded: false, pause: true)
        pauses.append(queues.pausedUntil(slow.key)! - clock.now)
        clock.advance(pauses.last! + 0.001)
    }
    #expect(pauses == [1, 2, 4, 8, 8])
    _ = queues.offer([(job(6), slow)])
    _ = queues.take()
    _ = queues.attemptEnded(slow, duration: 0.01, succeeded: true)
    _ = queues.offer([(job(7), slow)])
    _ = queues.take()
    _ = queues.attemptEnded(slow, duration: 0.01, succeeded: false, pause: true)
    #expect(queues.pausedUntil(slow.key)! - clock.now == 1)
}

@Test func pacingHoldsShortWaitsInMemoryAndSendsLongOnesToTheTable() {
    let clock = ManualClock()
    let paced = GatewayDestination(key: "webhook discord", label: "discord", pacing: Pacing(perSecond: 0.5, burst: 5))
    let queues = DestinationQueues(maxInFlight: 8, maxQueueWait: 2, clock: { clock.now })
    let deferred = queues.offer((1...10).map { (job($0), paced) })
    // Five at once, the sixth two seconds later (within the limit), the others 4, 6, 8, 10 s: back to the table.
    #expect(deferred.map(\.job.seq) == [7, 8, 9, 10])
    #expect(deferred.map { $0.notBefore - clock.now } == [4, 6, 8, 10])
    for seq in Int64(1)...5 { #expect(queues.take()?.job.seq == seq) }
    clock.advance(2)
    #expect(queues.take()?.job.seq == 6)
}

@Test func aSlowDestinationKeepsOnlyWhatItCanStartSoonInMemory() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 2, maxQueueWait: 2, clock: { clock.now })
    _ = queues.offer([(job(1), slow), (job(2), slow)])
    _ = queues.take()
    _ = queues.take()
    // Its attempts take 10 s: a third job would wait about 5 s for a free slot, so it waits in the table instead.
    _ = queues.attemptEnded(slow, duration: 10, succeeded: true)
    _ = queues.offer([(job(3), slow)])
    _ = queues.take()
    let deferred = queues.offer([(job(4), slow), (job(5), fast)])
    #expect(deferred.map(\.job.seq) == [4])
    #expect(queues.take()?.job.seq == 5)
}

@Test func destinationsOfAGroupShareItsBucketOnTopOfTheirOwn() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 4, maxQueueWait: 10, clock: { clock.now })
    let workspace = DestinationGroup(key: "workspace", pacing: Pacing(perSecond: 1, burst: 2))
    let channelA = GatewayDestination(key: "channel a", label: "a", pacing: Pacing(perSecond: 10, burst: 10), group: workspace)
    let channelB = GatewayDestination(key: "channel b", label: "b", pacing: Pacing(perSecond: 10, burst: 10), group: workspace)
    let elsewhere = GatewayDestination(key: "channel c", label: "c", pacing: Pacing(perSecond: 10, burst: 10))
    _ = queues.offer([(job(1), channelA), (job(2), channelB), (job(3), channelA), (job(4), elsewhere)])
    // The group's burst of 2 goes to its two channels; the third waits for the group, not for its channel.
    var taken: [Int64] = []
    for _ in 0..<3 { taken.append(queues.take()!.job.seq) }
    #expect(Set(taken) == [1, 2, 4])
    clock.advance(1)
    #expect(queues.take()?.job.seq == 3, "a token of the group's a second later")
}

@Test func jobsParkedForABusyDestinationAreAskedBackWhenItHasRoom() {
    let clock = ManualClock()
    let recalls = Mutex(0)
    let queues = DestinationQueues(maxInFlight: 2, maxQueueWait: 2, clock: { clock.now }, onRecall: { recalls.withLock { $0 += 1 } })
    _ = queues.offer([(job(1), slow), (job(2), slow), (job(3), slow)])
    _ = queues.take()
    _ = queues.take()
    // Two slow first attempts (10 s each) make every further job look a long wait: they go to the table.
    _ = queues.attemptEnded(slow, duration: 10, succeeded: true)
    #expect(queues.take()?.job.seq == 3)
    _ = queues.attemptEnded(slow, duration: 10, succeeded: true)
    #expect(queues.offer([(job(4), slow)]).isEmpty)
    #expect(queues.take()?.job.seq == 4)
    let deferred = queues.offer((5...40).map { (job($0), slow) })
    #expect(deferred.count == 36)
    #expect(deferred.last!.notBefore - clock.now > 100, "the estimate: 36 jobs behind two 10 s attempts")
    #expect(queues.takeRecalls().isEmpty, "no room yet")
    #expect(recalls.withLock { $0 } == 0)
    // The next attempts are fast: the destination has room long before the estimate and asks its jobs back, oldest
    // first, as many as start within maxQueueWait at its (still high, falling) mean: none is sent straight back.
    _ = queues.attemptEnded(slow, duration: 0.01, succeeded: true)
    #expect(recalls.withLock { $0 } == 1)
    #expect(queues.takeRecalls() == [5], "one slot free, a mean of 8 s: one job")
    #expect(queues.takeRecalls().isEmpty, "each is asked back once")
    #expect(queues.offer([(job(5), slow)]).isEmpty)
    var delivered: [Int64] = []
    var inFlight = [Int64]()
    for _ in 0..<200 {
        // (job 4 is still in flight: one slot is taken throughout)
        while inFlight.count < 1, queues.queuedCount > 0, let taken = queues.take() { inFlight.append(taken.job.seq) }
        guard !inFlight.isEmpty else { break }
        delivered.append(inFlight.removeFirst())
        _ = queues.attemptEnded(slow, duration: 0.01, succeeded: true)
        let recalled = queues.takeRecalls()
        #expect(queues.offer(recalled.map { (job($0), slow) }).isEmpty, "a job asked back is not sent back")
    }
    #expect(delivered == Array(5...40), "every parked job came back, in order")
}

@Test func jobsDeferredForAPauseOrPacingAreNotAskedBackEarly() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 2, maxQueueWait: 2, clock: { clock.now })
    _ = queues.offer([(job(1), slow), (job(2), slow)])
    let taken = queues.take()!
    _ = queues.take()
    // Retry-After 120: the destination is paused; its jobs wait that long whatever its room.
    let paused = queues.attemptEnded(taken.destination, duration: 0.01, succeeded: false, pause: true, retryAfter: 120)
    _ = queues.offer([(job(3), slow)])
    _ = queues.attemptEnded(slow, duration: 0.01, succeeded: true)
    #expect(paused.isEmpty)
    #expect(queues.takeRecalls().isEmpty)
    let paced = GatewayDestination(key: "host c", label: "c", pacing: Pacing(perSecond: 0.1, burst: 1))
    _ = queues.offer([(job(10), paced)])
    let deferred = queues.offer([(job(11), paced)])
    #expect(deferred.map(\.job.seq) == [11])
    _ = queues.attemptEnded(paced, duration: 0.01, succeeded: true)
    #expect(queues.takeRecalls().isEmpty, "a paced wait is known, not a guess")
}

@Test func aCriticalOrHighJobGoesToTheFrontOfItsQueueAndItsDestinationIsServedFirst() {
    let clock = ManualClock()
    let queues = DestinationQueues(maxInFlight: 1, clock: { clock.now })
    #expect(queues.offer([(job(1), slow), (job(2, priority: "low"), slow), (job(3), fast), (job(4, priority: "normal"), slow)]).isEmpty)
    #expect(queues.offer([(job(5, priority: "high"), slow), (job(6, priority: "critical"), slow), (job(7), fast),
                          (job(8, priority: "critical"), fast)]).isEmpty)
    var taken: [Int64] = []
    for _ in 0..<8 {
        guard let (next, destination) = queues.take() else { break }
        taken.append(next.seq)
        _ = queues.attemptEnded(destination, duration: 0.01, succeeded: true)
    }
    #expect(taken == [5, 8, 6, 3, 1, 7, 2, 4], "urgent jobs first, in the order they came, then the others round robin")
}
