// Send and receive time of every bench message, by sequence number, for latency and throughput afterwards.
import Foundation

/// Fixed-size arrays indexed by sequence number (0 = not yet); a lock because receivers run on several threads.
/// Sequence numbers are global for the run: each phase of each system takes its own range.
///
/// An alert can need more than one receipt to count as delivered (the example configuration posts each alert to two
/// webhooks): each receipt names its part (a bit), and the alert is delivered when every part of its range arrived.
final class DeliveryLedger: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private let sent: UnsafeMutablePointer<UInt64>
    private let received: UnsafeMutablePointer<UInt64>
    /// Parts still missing per sequence number (bits), set by `reserve`.
    private let missing: UnsafeMutablePointer<UInt8>
    private var receivedCount = 0
    private var duplicateCount = 0
    private var nextFree = 0

    init(capacity: Int) {
        self.capacity = capacity
        sent = .allocate(capacity: capacity)
        sent.initialize(repeating: 0, count: capacity)
        received = .allocate(capacity: capacity)
        received.initialize(repeating: 0, count: capacity)
        missing = .allocate(capacity: capacity)
        missing.initialize(repeating: 0, count: capacity)
    }

    deinit {
        sent.deallocate()
        received.deallocate()
        missing.deallocate()
    }

    /// A fresh range of sequence numbers for one phase, each delivered once every part in `parts` arrived.
    func reserve(_ count: Int, parts: ReceiptParts = .any) -> Range<Int> {
        lock.withLock {
            precondition(nextFree + count <= capacity, "ledger too small: raise its capacity")
            defer { nextFree += count }
            for seq in nextFree..<(nextFree + count) { missing[seq] = parts.rawValue }
            return nextFree..<(nextFree + count)
        }
    }

    /// `at` is the intended send time (open loop), so delays in the publisher itself count as latency.
    func markSent(_ seq: Int, at nanos: UInt64) {
        guard seq >= 0, seq < capacity else { return }
        lock.withLock { sent[seq] = nanos }
    }

    /// The time of the receipt that completes an alert (its last missing part) is its delivery time.
    func markReceived(_ seqs: some Sequence<Int>, part: ReceiptParts = .any, at nanos: UInt64) {
        lock.withLock {
            for seq in seqs where seq >= 0 && seq < capacity {
                let bit = missing[seq] & part.rawValue
                if bit != 0 {
                    missing[seq] &= ~bit
                    if missing[seq] == 0 {
                        received[seq] = nanos
                        receivedCount += 1
                    }
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

/// Finds the bench's sequence numbers in a body, whatever its shape: ours has `"bench_seq"` in the alert's details (a
/// number), Alertmanager's in each alert's labels and again in groupLabels/commonLabels (a string); a Teams card carries
/// no details, only the title and text, which hold the summary `Bench alert N: …`.
enum BenchSequence {
    static let key = Array(#""bench_seq""#.utf8)
    static let summary = Array("Bench alert ".utf8)

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Set<Int> {
        var found = Set<Int>()
        collect(after: key, skipping: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\"")], in: bytes, into: &found)
        if found.isEmpty { collect(after: summary, skipping: [], in: bytes, into: &found) }
        return found
    }

    /// The number after each occurrence of `marker` (and any of `skipping`).
    private static func collect(after marker: [UInt8], skipping: [UInt8], in bytes: UnsafeRawBufferPointer, into found: inout Set<Int>) {
        let count = bytes.count
        var index = 0
        outer: while index + marker.count < count {
            for offset in 0..<marker.count where bytes[index + offset] != marker[offset] {
                index += 1
                continue outer
            }
            var cursor = index + marker.count
            while cursor < count, skipping.contains(bytes[cursor]) { cursor += 1 }
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
    }

    static func scan(_ data: Data) -> Set<Int> { data.withUnsafeBytes { scan($0) } }
}
