// Send and receive time of every bench message, by sequence number, for latency and throughput afterwards.
import Foundation

/// Fixed-size arrays indexed by sequence number (0 = not yet); a lock because receivers run on several threads.
/// Sequence numbers are global for the run: each phase of each system takes its own range.
final class DeliveryLedger: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private let sent: UnsafeMutablePointer<UInt64>
    private let received: UnsafeMutablePointer<UInt64>
    private var receivedCount = 0
    private var duplicateCount = 0
    private var nextFree = 0

    init(capacity: Int) {
        self.capacity = capacity
        sent = .allocate(capacity: capacity)
        sent.initialize(repeating: 0, count: capacity)
        received = .allocate(capacity: capacity)
        received.initialize(repeating: 0, count: capacity)
    }

    deinit {
        sent.deallocate()
        received.deallocate()
    }

    /// A fresh range of sequence numbers for one phase.
    func reserve(_ count: Int) -> Range<Int> {
        lock.withLock {
            precondition(nextFree + count <= capacity, "ledger too small: raise its capacity")
            defer { nextFree += count }
            return nextFree..<(nextFree + count)
        }
    }

    /// `at` is the intended send time (open loop), so delays in the publisher itself count as latency.
    func markSent(_ seq: Int, at nanos: UInt64) {
        guard seq >= 0, seq < capacity else { return }
        lock.withLock { sent[seq] = nanos }
    }

    func markReceived(_ seqs: some Sequence<Int>, at nanos: UInt64) {
        lock.withLock {
            for seq in seqs where seq >= 0 && seq < capacity {
                if received[seq] == 0 {
                    received[seq] = nanos
                    receivedCount += 1
                } else {
                    duplicateCount += 1
                }
            }
        }
    }

    var totalReceived: Int { lock.withLock { receivedCount } }
    var duplicates: Int { lock.withLock { duplicateCount } }

    func receivedCount(in range: Range<Int>) -> Int {
        lock.withLock { range.reduce(0) { $0 + (received[$1] == 0 ? 0 : 1) } }
    }

    /// (sent, received) per sequence number; received is 0 for what never arrived.
    func times(in range: Range<Int>) -> [(sent: UInt64, received: UInt64)] {
        lock.withLock { range.map { (sent[$0], received[$0]) } }
    }
}

/// Finds `"bench_seq"` keys in a body, whatever its shape: ours has it in the alert's details (a number),
/// Alertmanager's in each alert's labels and again in groupLabels/commonLabels (a string).
enum BenchSequence {
    static let key = Array(#""bench_seq""#.utf8)

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Set<Int> {
        var found = Set<Int>()
        let count = bytes.count
        var index = 0
        outer: while index + key.count < count {
            for offset in 0..<key.count where bytes[index + offset] != key[offset] {
                index += 1
                continue outer
            }
            var cursor = index + key.count
            while cursor < count, [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\"")].contains(bytes[cursor]) { cursor += 1 }
            var value = 0
            var digits = 0
            while cursor < count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                digits += 1
                cursor += 1
            }
            if digits > 0 { found.insert(value) }
            index = cursor
        }
        return found
    }

    static func scan(_ data: Data) -> Set<Int> { data.withUnsafeBytes { scan($0) } }
}
