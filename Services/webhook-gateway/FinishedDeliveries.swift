// Finished deliveries handed from the delivery threads to the one thread that records them.
import Foundation

/// What a delivery thread knows when a webhook is done: the job, how it went, and when.
struct FinishedDelivery: Sendable {
    let job: DeliveryJob
    let outcome: DeliveryOutcome
    let at: Date
}

/// The delivery threads used to commit one transaction each, 8 threads queueing for SQLite's single
/// writer; one recorder draining this queue commits everything finished meanwhile in one transaction.
final class FinishedDeliveries: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [FinishedDelivery] = []
    private var closed = false

    func push(_ item: FinishedDelivery) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Blocks until something finished, then takes up to `limit`, oldest first; nil once closed and empty
    /// (what was pushed before `close()` is still handed out).
    func take(upTo limit: Int) -> [FinishedDelivery]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let count = min(limit, items.count)
        let taken = Array(items[..<count])
        items.removeFirst(count)
        return taken
    }

    /// Call once no delivery thread can push any more.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
