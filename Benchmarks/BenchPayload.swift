// The bench's alerts: about 400 bytes each, a unique dedup_key, the sequence number and the send time in the details.
import Foundation

enum BenchPayload {
    static let targetBytes = 400

    /// Native intake shape for ingest (and the same bytes for the raw broker hop).
    static func native(seq: Int, sentNanos: UInt64) -> Data {
        let head = #"{"dedup_key":"bench-\#(seq)","summary":"Bench alert \#(seq): press 4 stopped","severity":"critical","service":"press-line","category":"production","source":"plc-\#(seq % 16)","details":{"bench_seq":\#(seq),"sent_ns":\#(sentNanos),"line":"4","padding":""#
        return Data((head + padding(for: head.utf8.count + 4) + #""}}"#).utf8)
    }

    /// One element of Alertmanager's POST /api/v2/alerts array: the same facts as labels and annotations.
    static func alertmanager(seq: Int, sentNanos: UInt64, startsAt: String) -> String {
        let head = #"{"labels":{"alertname":"BenchAlert","bench_seq":"\#(seq)","dedup_key":"bench-\#(seq)","severity":"critical","service":"press-line","category":"production","source":"plc-\#(seq % 16)"},"annotations":{"summary":"Bench alert \#(seq): press 4 stopped","sent_ns":"\#(sentNanos)","padding":""#
        let tail = #""},"startsAt":"\#(startsAt)"}"#
        return head + padding(for: head.utf8.count + tail.utf8.count) + tail
    }

    private static func padding(for used: Int) -> String {
        String(repeating: "x", count: max(0, targetBytes - used))
    }
}
