// Runs one load phase against one system: open-loop at a fixed rate, or as fast as the system accepts; then measures.
import Foundation
import Histogram

enum Load: Sendable, CustomStringConvertible {
    /// Sends on a clock schedule and never waits for the system: latency is measured from the intended send time.
    case fixedRate(Int)
    /// Keeps `window` messages unaccepted by the system (unacknowledged publishes, queued POSTs) at all times.
    case maxRate(window: Int)
    /// Keeps `window` alerts sent and not yet delivered end to end: as fast as the whole pipeline takes them, with
    /// no backlog building up in front of its slowest stage.
    case delivered(window: Int)

    var description: String {
        switch self {
        case .fixedRate(let rate): "\(rate.formatted())/s open loop"
        case .maxRate: "max rate"
        case .delivered(let window): "max rate, \(window.formatted()) in flight end to end"
        }
    }
}

struct PhaseResult: Sendable {
    let system: String
    let load: Load
    /// As printed in the tables: the load, or a name for the phase (e.g. "after 100,000 alerts of history").
    let label: String
    let sent: Int
    let delivered: Int
    /// Milliseconds.
    let p50: Double, p99: Double, p999: Double, max: Double
    /// Delivered / (last receipt − first intended send).
    let throughput: Double
    let usage: [ProcessUsage]
}

struct PhaseRunner {
    let ledger: DeliveryLedger
    let sampler: ProcessSampler
    /// Give up waiting once nothing new arrived for this long.
    var idleTimeout: Double = 20

    /// `label` names the phase in the tables (default: the load).
    func run(_ load: Load, count: Int, on system: SystemUnderTest, label: String? = nil) -> PhaseResult {
        let range = ledger.reserve(count, parts: system.receiptParts)
        sampler.begin()
        switch load {
        case .fixedRate(let rate): sendOnSchedule(range, rate: rate, to: system)
        case .maxRate(let window): sendFlat(range, window: window, to: system)
        case .delivered(let window): sendClosedLoop(range, window: window, to: system)
        }
        waitForDeliveries(range)
        let usage = sampler.end()
        return measure(range, load: load, label: label ?? load.description, system: system.name, usage: usage)
    }

    /// Warm-up: connections, caches, SQLite pages; not measured.
    func warmUp(_ system: SystemUnderTest, count: Int) {
        let range = ledger.reserve(count, parts: system.receiptParts)
        sendOnSchedule(range, rate: 500, to: system)
        waitForDeliveries(range)
    }

    private func sendOnSchedule(_ range: Range<Int>, rate: Int, to system: SystemUnderTest) {
        let start = monotonicNanos() + 1_000_000
        let interval = 1_000_000_000 / Double(rate)
        var next = range.lowerBound
        while next < range.upperBound {
            let now = monotonicNanos()
            var batch: [(seq: Int, sentNanos: UInt64)] = []
            while next < range.upperBound {
                let due = start + UInt64(Double(next - range.lowerBound) * interval)
                guard due <= now else { break }
                ledger.markSent(next, at: due)
                batch.append((next, due))
                next += 1
            }
            if !batch.isEmpty { system.send(batch) }
            if next < range.upperBound {
                sleep(untilNanos: start + UInt64(Double(next - range.lowerBound) * interval))
            }
        }
    }

    /// Keeps `window` alerts outstanding as the broker acknowledges them (`maxRate`: the publisher's backlog).
    private func sendFlat(_ range: Range<Int>, window: Int, to system: SystemUnderTest) {
        send(range, window: window, to: system, pollMicroseconds: 200) { _ in system.backlog }
    }

    /// Keeps `window` alerts outstanding end to end: sent in this phase and not yet delivered.
    private func sendClosedLoop(_ range: Range<Int>, window: Int, to system: SystemUnderTest) {
        // Phases run one at a time, so the ledger's running total counts this phase's deliveries.
        let receivedBefore = ledger.totalReceived
        send(range, window: window, to: system, pollMicroseconds: 500) { next in
            (next - range.lowerBound) - (ledger.totalReceived - receivedBefore)
        }
    }

    /// Sends `range` in batches of at most 200 while `outstanding(next)` leaves room in `window`.
    private func send(_ range: Range<Int>, window: Int, to system: SystemUnderTest, pollMicroseconds: UInt32,
                      outstanding: (_ next: Int) -> Int) {
        var next = range.lowerBound
        while next < range.upperBound {
            let room = window - outstanding(next)
            guard room > 0 else {
                usleep(pollMicroseconds)
                continue
            }
            let now = monotonicNanos()
            let end = Swift.min(range.upperBound, next + Swift.min(room, 200))
            let batch = (next..<end).map { (seq: $0, sentNanos: now) }
            for item in batch { ledger.markSent(item.seq, at: now) }
            system.send(batch)
            next = end
        }
    }

    private func waitForDeliveries(_ range: Range<Int>) {
        var last = -1
        var lastProgress = Date()
        while true {
            let arrived = ledger.receivedCount(in: range)
            if arrived == range.count { return }
            if arrived != last {
                last = arrived
                lastProgress = Date()
            } else if Date().timeIntervalSince(lastProgress) > idleTimeout {
                return
            }
            usleep(20_000)
        }
    }

    private func measure(_ range: Range<Int>, load: Load, label: String, system: String, usage: [ProcessUsage]) -> PhaseResult {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 3_600_000_000_000,
                                          numberOfSignificantValueDigits: .three)
        let times = ledger.times(in: range)
        var firstSent = UInt64.max
        var lastReceived: UInt64 = 0
        var delivered = 0
        for (sent, received) in times where sent > 0 {
            firstSent = Swift.min(firstSent, sent)
            guard received > 0 else { continue }
            delivered += 1
            lastReceived = Swift.max(lastReceived, received)
            _ = histogram.record(received > sent ? received - sent : 0)
        }
        let milliseconds = { (nanos: UInt64) in Double(nanos) / 1e6 }
        writeTimeline(times, firstSent: firstSent, name: "\(system)-\(label)")
        let span = lastReceived > firstSent ? Double(lastReceived - firstSent) / 1e9 : 0
        return PhaseResult(system: system, load: load, label: label, sent: range.count, delivered: delivered,
                           p50: milliseconds(histogram.valueAtPercentile(50)), p99: milliseconds(histogram.valueAtPercentile(99)),
                           p999: milliseconds(histogram.valueAtPercentile(99.9)), max: milliseconds(histogram.max),
                           throughput: span > 0 ? Double(delivered) / span : 0, usage: usage)
    }

    /// With BENCH_TIMELINE=DIR: one CSV per phase (send offset s, latency ms, per 100 ms window: max) to see
    /// when latency builds up, e.g. at a broker snapshot or a WAL checkpoint.
    private func writeTimeline(_ times: [(sent: UInt64, received: UInt64)], firstSent: UInt64, name: String) {
        guard let directory = ProcessInfo.processInfo.environment["BENCH_TIMELINE"], firstSent != .max else { return }
        var worst: [Int: UInt64] = [:]
        for (sent, received) in times where sent > 0 && received > sent {
            let window = Int((sent - firstSent) / 100_000_000)
            worst[window] = Swift.max(worst[window] ?? 0, received - sent)
        }
        let lines = worst.keys.sorted().map { "\(Double($0) / 10),\(Double(worst[$0]!) / 1e6)" }
        let file = name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        try? (["offset_s,max_latency_ms"] + lines).joined(separator: "\n")
            .write(toFile: "\(directory)/\(String(file)).csv", atomically: true, encoding: .utf8)
    }
}
