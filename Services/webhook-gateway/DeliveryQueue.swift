// Jobs handed from the MQTT loop thread (after commit) to the delivery threads.
import Foundation

final class DeliveryQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [DeliveryJob] = []
    private var head = 0
    private var closed = false

    func push(_ newJobs: [DeliveryJob]) {
        condition.lock()
        jobs.append(contentsOf: newJobs)
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until a job is there; nil once closed (jobs still queued stay in the table for the next start).
    func pop() -> DeliveryJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        if closed { return nil }
        let job = jobs[head]
        head += 1
        if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
