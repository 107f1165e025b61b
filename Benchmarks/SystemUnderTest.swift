// What the phase runner needs from each system it compares: start, send a batch without waiting, the backlog, stop.
import Foundation

protocol SystemUnderTest: AnyObject, Sendable {
    /// As printed in the tables.
    var name: String { get }
    /// Processes whose CPU and RSS are sampled (the bench process itself is added by the runner).
    var processes: [(name: String, pid: Int32)] { get }
    /// Notes for the report (e.g. a service that was skipped).
    var notes: [String] { get }
    /// The receipts that make one alert delivered (`.any`: the first request or message that carries it).
    var receiptParts: ReceiptParts { get }
    func start() throws
    /// Hands the batch to the client and returns at once (open loop): never waits for the system.
    func send(_ batch: [(seq: Int, sentNanos: UInt64)])
    /// Messages handed to `send` that the system has not yet accepted (unacknowledged publishes, queued POSTs).
    var backlog: Int { get }
    func stop()
}

extension SystemUnderTest {
    var receiptParts: ReceiptParts { .any }
}
