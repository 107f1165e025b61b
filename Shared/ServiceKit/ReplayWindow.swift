// How long a service keeps what the broker acknowledged, to publish it again should the broker have lost it.
import Foundation

/// Mosquitto persists by snapshot (`autosave_interval`, 10 s in `broker/`): after a crash it has forgotten what it
/// acknowledged since the last one. Outbox rows stay for `seconds` after their PUBACK (bounded by `maxRows` and
/// `maxBytes`, oldest first past either) and are published again when the publishing connection comes back.
public struct ReplayWindow: Sendable, Equatable {
    public var seconds: Double
    public var maxRows: Int
    public var maxBytes: Int

    /// Three snapshot intervals: a snapshot that was due but not written, and a margin.
    public static let defaultSeconds = 30.0
    public static let defaultMaxRows = 200_000
    public static let defaultMaxBytes = 256 << 20

    public init(seconds: Double = ReplayWindow.defaultSeconds, maxRows: Int = ReplayWindow.defaultMaxRows,
                maxBytes: Int = ReplayWindow.defaultMaxBytes) {
        self.seconds = max(0, seconds)
        self.maxRows = max(0, maxRows)
        self.maxBytes = max(0, maxBytes)
    }

    /// Rows are deleted as soon as the broker acknowledged them; nothing is published again.
    public static let off = ReplayWindow(seconds: 0, maxRows: 0, maxBytes: 0)

    var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}

/// An outbox row the broker acknowledged at `at`, kept for the replay window.
struct KeptRow: Sendable {
    let id: Int64
    let lane: String
    let bytes: Int
    let at: ContinuousClock.Instant
}

/// The kept rows in the order the broker acknowledged them: the oldest go first, when the window has passed or a
/// bound is exceeded.
struct KeptRows: Sendable {
    private var rows: [KeptRow] = []
    private var head = 0
    private var bytes = 0

    var count: Int { rows.count - head }
    /// Payload bytes of the kept rows.
    var byteCount: Int { bytes }

    mutating func append(_ row: KeptRow) {
        rows.append(row)
        bytes += row.bytes
    }

    private func isDue(_ row: KeptRow, index: Int, bytesBefore: Int, now: ContinuousClock.Instant, window: ReplayWindow) -> Bool {
        row.at.duration(to: now) >= window.duration || count - (index - head) > window.maxRows || bytes - bytesBefore > window.maxBytes
    }

    /// How many rows are due, counting no further than `atLeast`.
    func dueCount(now: ContinuousClock.Instant, window: ReplayWindow, atLeast: Int) -> Int {
        var due = 0
        var removedBytes = 0
        var index = head
        while index < rows.count, due < atLeast, isDue(rows[index], index: index, bytesBefore: removedBytes, now: now, window: window) {
            removedBytes += rows[index].bytes
            due += 1
            index += 1
        }
        return due
    }

    /// When the oldest row fell due, if it did (a row pushed out by a bound counts as due since it was kept).
    func oldestDueSince(now: ContinuousClock.Instant, window: ReplayWindow) -> ContinuousClock.Instant? {
        guard head < rows.count, isDue(rows[head], index: head, bytesBefore: 0, now: now, window: window) else { return nil }
        return min(now, rows[head].at.advanced(by: window.duration))
    }

    /// Takes the rows that are due, oldest first.
    mutating func takeDue(now: ContinuousClock.Instant, window: ReplayWindow) -> [KeptRow] {
        let due = dueCount(now: now, window: window, atLeast: .max)
        guard due > 0 else { return [] }
        let taken = Array(rows[head..<(head + due)])
        head += due
        bytes -= taken.reduce(0) { $0 + $1.bytes }
        compact()
        return taken
    }

    func snapshot() -> [KeptRow] { Array(rows[head...]) }

    mutating func takeAll() -> [KeptRow] {
        let taken = Array(rows[head...])
        rows = []
        head = 0
        bytes = 0
        return taken
    }

    /// Rows taken and not deleted (their transaction rolled back, or not published again) go back in front.
    mutating func giveBack(_ taken: [KeptRow]) {
        guard !taken.isEmpty else { return }
        rows = taken + rows[head...]
        head = 0
        bytes += taken.reduce(0) { $0 + $1.bytes }
    }

    private mutating func compact() {
        if head > 4_096, head * 2 > rows.count {
            rows.removeFirst(head)
            head = 0
        }
    }
}
