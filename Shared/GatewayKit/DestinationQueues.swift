// The jobs in memory, one queue per destination: pacing (token bucket), pauses (Retry-After, a host that does not
// answer), a cap on attempts in flight, and round-robin between destinations. Delivery threads block in `take` only
// while nothing may go; a job that would wait long goes back to the table instead (`Deferral`), so a slow,
// throttling or dead destination holds neither threads nor the memory window of everyone else. A job sent back
// because its destination was busy is asked back (`takeRecalls`) as soon as the destination has room again: its
// `notBefore` is only an estimate from the mean attempt time, and a few slow attempts must not leave the destination
// idle while its jobs wait out a guess.
import Contracts
import Foundation

public final class DestinationQueues: @unchecked Sendable {
    /// A job handed back to the table, to be tried (not counted as an attempt) at `notBefore`.
    public struct Deferral: Sendable, Equatable {
        public let job: GatewayJob
        public let notBefore: Double
    }

    private struct Lane {
        var destination: GatewayDestination
        var jobs: [GatewayJob] = []
        var head = 0
        var bucket: TokenBucket
        var pausedUntil = -Double.infinity
        var inFlight = 0
        /// Mean attempt duration (exponentially weighted), for estimating how long a queued job waits.
        var meanDuration = 0.0
        /// Consecutive attempts that asked for a pause without a Retry-After: the pause doubles with each.
        var pauses = 0
        /// Jobs sent back to the table because the destination was busy, oldest first, at most `parkedLimit`: asked
        /// back when it has room (beyond the limit they wait for their estimated time).
        var parked: [Int64] = []
        var parkedHead = 0
        /// Parked jobs asked back and not offered again yet: counted as queued when asking for more.
        var recalling = 0
        /// Queued jobs of a critical or high route, at the front of the lane (after `head`, before the others).
        var urgent = 0
        var queued: Int { jobs.count - head }
        var parkedCount: Int { parked.count - parkedHead }
    }

    private let condition = NSCondition()
    private var lanes: [String: Lane] = [:]
    /// The shared buckets of destination groups (a handful: one per Slack workspace, say).
    private var groupBuckets: [String: TokenBucket] = [:]
    /// Destinations with queued jobs, in round-robin order.
    private var order: [String] = []
    private var next = 0
    private var closed = false
    /// Parked jobs asked back, for the owner to read from the table (`takeRecalls`).
    private var recalls: [Int64] = []
    /// Jobs asked back and not offered again yet, with their destination's key.
    private var recalling: [Int64: String] = [:]
    private let clock: @Sendable () -> Double
    /// Called (without the lock held) when jobs are asked back.
    private let onRecall: @Sendable () -> Void
    /// Attempts in flight to one destination at most: a slow one cannot take every delivery thread.
    public let maxInFlight: Int
    /// A job whose estimated wait is longer goes back to the table.
    public let maxQueueWait: Double
    /// Longest pause without a Retry-After (doubling from 1 s).
    public let maxPause: Double

    /// Parked jobs remembered per destination; a few bytes each.
    public static let parkedLimit = 10_000
    /// Most jobs asked back at once.
    static let recallLimit = 256

    public init(maxInFlight: Int, maxQueueWait: Double = 2, maxPause: Double = 60,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                onRecall: @escaping @Sendable () -> Void = {}) {
        self.maxInFlight = max(1, maxInFlight)
        self.maxQueueWait = maxQueueWait
        self.maxPause = maxPause
        self.clock = clock
        self.onRecall = onRecall
    }

    /// Queues jobs for their destinations; returns those that would wait longer than `maxQueueWait` (paused
    /// destination, pacing, a queue of slow attempts), which the caller writes back to the table.
    public func offer(_ items: [(job: GatewayJob, destination: GatewayDestination)]) -> [Deferral] {
        guard !items.isEmpty else { return [] }
        condition.lock()
        defer { condition.unlock() }
        let now = clock()
        var deferred: [Deferral] = []
        var queuedAny = 0
        // Jobs of this offer already sent back, per destination: each later one waits behind them.
        var deferredAhead: [String: Int] = [:]
        for (job, destination) in items {
            // A job asked back arrives: no longer counted as on its way (its destination may have changed meanwhile).
            let recalledBy = recalling.removeValue(forKey: job.seq)
            if let key = recalledBy, key != destination.key { lanes[key]?.recalling -= 1 }
            var lane = lanes[destination.key] ?? Lane(destination: destination, bucket: TokenBucket(pacing: destination.pacing, now: now))
            if recalledBy == destination.key { lane.recalling -= 1 }
            if lane.destination.pacing != destination.pacing {
                lane.bucket = TokenBucket(pacing: destination.pacing, now: now)
            }
            lane.destination = destination
            let urgent = Self.isUrgent(job)
            let (wait, busy) = estimatedWait(&lane, ahead: deferredAhead[destination.key, default: 0], urgent: urgent, now: now)
            if wait > maxQueueWait {
                deferredAhead[destination.key, default: 0] += 1
                deferred.append(Deferral(job: job, notBefore: now + wait))
                if busy && lane.parkedCount < Self.parkedLimit { lane.parked.append(job.seq) }
            } else {
                if lane.queued == 0 { order.append(destination.key) }
                if urgent {
                    // Ahead of every job of a normal or low route, behind the urgent ones queued before it.
                    lane.jobs.insert(job, at: lane.head + lane.urgent)
                    lane.urgent += 1
                } else {
                    lane.jobs.append(job)
                }
                queuedAny += 1
            }
            lanes[destination.key] = lane
        }
        if queuedAny == 1 { condition.signal() } else if queuedAny > 1 { condition.broadcast() }
        return deferred
    }

    /// A dispatch of a critical or high route goes to the front of its destination's queue, and destinations with
    /// such a job at their front are served first.
    public static func isUrgent(_ job: GatewayJob) -> Bool {
        isUrgent(job.dispatch)
    }

    /// Also stored so that it skips the fresh jobs' window (`GatewayRecords.insert`).
    public static func isUrgent(_ dispatch: DispatchRequest) -> Bool {
        dispatch.priority == "critical" || dispatch.priority == "high"
    }

    /// When a job queued now would start, from now (an urgent one waits only behind the urgent ones); `busy`: the
    /// wait comes from attempts ahead of it (an estimate from their mean duration), not from a pause or pacing
    /// (which are known).
    private func estimatedWait(_ lane: inout Lane, ahead: Int, urgent: Bool = false, now: Double) -> (wait: Double, busy: Bool) {
        let paused = max(0, lane.pausedUntil - now)
        let waiting = (urgent ? lane.urgent : lane.queued) + ahead
        let paced = max(lane.bucket.wait(forPosition: waiting, now: now), groupWait(lane.destination, position: waiting, now: now))
        let busy = lane.inFlight + waiting >= maxInFlight
            ? Double(lane.inFlight + waiting - maxInFlight + 1) / Double(maxInFlight) * lane.meanDuration : 0
        return (max(paused, paced, busy), busy > max(paused, paced))
    }

    /// Parked jobs come back while the destination is not paused and holds fewer queued jobs than half of what may
    /// wait in memory: those that start within `maxQueueWait` at its mean attempt time, as the estimate of `offer`
    /// counts them (so none is sent straight back). True when some did.
    private func recallIfRoom(_ lane: inout Lane, now: Double) -> Bool {
        guard lane.parkedCount > 0, lane.pausedUntil <= now else { return false }
        let starting = max(0, maxInFlight - lane.inFlight)
        let behind = lane.meanDuration > 0 ? Int(maxQueueWait * Double(maxInFlight) / lane.meanDuration) : Self.recallLimit
        let capacity = min(starting + behind, Self.recallLimit)
        let coming = lane.queued + lane.recalling
        guard coming * 2 < capacity else { return false }
        let count = min(lane.parkedCount, capacity - coming)
        let seqs = lane.parked[lane.parkedHead..<(lane.parkedHead + count)]
        recalls.append(contentsOf: seqs)
        for seq in seqs { recalling[seq] = lane.destination.key }
        lane.recalling += count
        lane.parkedHead += count
        if lane.parkedHead == lane.parked.count {
            lane.parked.removeAll(keepingCapacity: false)
            lane.parkedHead = 0
        } else if lane.parkedHead > 1024 && lane.parkedHead * 2 > lane.parked.count {
            lane.parked.removeFirst(lane.parkedHead)
            lane.parkedHead = 0
        }
        return true
    }

    /// The owner is done with these jobs asked back: those it did not offer again (finished meanwhile, no room, a
    /// failed read) wait for their time, and their destination may ask for others.
    public func recallsDone(_ seqs: [Int64]) {
        let recalled = condition.withLock { () -> Bool in
            let now = clock()
            var keys = Set<String>()
            for seq in seqs {
                guard let key = recalling.removeValue(forKey: seq) else { continue }
                lanes[key]?.recalling -= 1
                keys.insert(key)
            }
            var any = false
            for key in keys {
                guard var lane = lanes[key] else { continue }
                if recallIfRoom(&lane, now: now) { any = true }
                lanes[key] = lane
            }
            return any
        }
        if recalled { onRecall() }
    }

    /// Jobs asked back (by seq): the owner reads those still scheduled from the table and offers them again.
    public func takeRecalls() -> [Int64] {
        condition.withLock {
            defer { recalls.removeAll() }
            return recalls
        }
    }

    /// Seconds until the destination's group has a token for the `position`-th next attempt (0 without a group).
    private func groupWait(_ destination: GatewayDestination, position: Int, now: Double) -> Double {
        guard let group = destination.group else { return 0 }
        var bucket = groupBuckets[group.key].flatMap { $0.pacing == group.pacing ? $0 : nil } ?? TokenBucket(pacing: group.pacing, now: now)
        let wait = bucket.wait(forPosition: position, now: now)
        groupBuckets[group.key] = bucket
        return wait
    }

    /// Blocks until some destination may take an attempt, and hands out its oldest job; nil once closed.
    public func take() -> (job: GatewayJob, destination: GatewayDestination)? {
        condition.lock()
        var recalled = false
        defer {
            condition.unlock()
            if recalled { onRecall() }
        }
        while !closed {
            let now = clock()
            var earliest = Double.infinity
            // Two rounds: destinations with an urgent job at their front first, then all of them.
            for step in 0..<(2 * order.count) {
                let index = (next + step) % order.count
                let key = order[index]
                guard var lane = lanes[key] else { continue }
                if step < order.count, lane.urgent == 0 { continue }
                guard lane.inFlight < maxInFlight else { continue }
                if lane.pausedUntil > now { earliest = min(earliest, lane.pausedUntil); continue }
                let wait = max(lane.bucket.wait(now: now), groupWait(lane.destination, position: 0, now: now))
                if wait > 0 { earliest = min(earliest, now + wait); continue }
                lane.bucket.take(now: now)
                if let group = lane.destination.group { groupBuckets[group.key]?.take(now: now) }
                let job = lane.jobs[lane.head]
                lane.head += 1
                lane.urgent = max(0, lane.urgent - 1)
                lane.inFlight += 1
                if lane.queued == 0 {
                    lane.jobs.removeAll(keepingCapacity: true)
                    lane.head = 0
                    order.remove(at: index)
                    next = order.isEmpty ? 0 : index % order.count
                } else {
                    next = (index + 1) % order.count
                }
                recalled = recallIfRoom(&lane, now: now)
                let destination = lane.destination
                lanes[key] = lane
                return (job, destination)
            }
            if earliest.isFinite {
                condition.wait(until: Date(timeIntervalSinceNow: max(0.001, earliest - now)))
            } else {
                condition.wait()
            }
        }
        return nil
    }

    /// An attempt to `destination` ended after `duration` seconds. With `pause` the destination takes nothing for
    /// `retryAfter` seconds (without one: 1 s, doubling with each pause in a row up to `maxPause`); its queued jobs
    /// come back as deferrals to write to the table.
    public func attemptEnded(_ destination: GatewayDestination, duration: Double, succeeded: Bool, pause: Bool = false,
                             retryAfter: Double? = nil) -> [Deferral] {
        condition.lock()
        var recalled = false
        defer {
            condition.unlock()
            if recalled { onRecall() }
        }
        guard var lane = lanes[destination.key] else { return [] }
        let now = clock()
        lane.inFlight = max(0, lane.inFlight - 1)
        lane.meanDuration = lane.meanDuration == 0 ? duration : lane.meanDuration * 0.8 + duration * 0.2
        if succeeded { lane.pauses = 0 }
        var deferred: [Deferral] = []
        if pause {
            let seconds: Double
            if let given = retryAfter {
                seconds = given
            } else {
                lane.pauses += 1
                seconds = min(maxPause, pow(2, Double(lane.pauses - 1)))
            }
            lane.pausedUntil = max(lane.pausedUntil, now + seconds)
            deferred = lane.jobs[lane.head...].map { Deferral(job: $0, notBefore: lane.pausedUntil) }
            if lane.queued > 0, let index = order.firstIndex(of: destination.key) {
                order.remove(at: index)
                if next > index { next -= 1 }
                if next >= order.count { next = 0 }
            }
            lane.jobs.removeAll()
            lane.head = 0
            lane.urgent = 0
        }
        recalled = recallIfRoom(&lane, now: now)
        if lane.queued == 0 && lane.inFlight == 0 && lane.parkedCount == 0 && lane.recalling == 0 && lane.pausedUntil <= now && lane.pauses == 0
            && lane.destination.pacing.perSecond == nil {
            // Nothing to remember: an unpaced, idle, healthy destination costs no memory.
            lanes[destination.key] = nil
        } else {
            lanes[destination.key] = lane
        }
        condition.signal()
        return deferred
    }

    /// Until when a destination is paused (for tests and /healthz-like reports).
    public func pausedUntil(_ key: String) -> Double? {
        condition.withLock { lanes[key].map(\.pausedUntil).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// Jobs queued in memory, all destinations.
    public var queuedCount: Int { condition.withLock { lanes.values.reduce(0) { $0 + $1.queued } } }

    /// Ends `take` for every thread; what is queued stays in the table.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes waiting threads to look again (a clock moved in a test).
    public func poke() {
        condition.withLock { condition.broadcast() }
    }
}
