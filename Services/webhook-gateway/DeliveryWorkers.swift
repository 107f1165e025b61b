// The delivery threads: blocking libcurl calls stay off the cooperative pool; each thread keeps its own connection.
import Config
import Contracts
import Foundation
import HTTPClient
import Logging
import Metrics
import ServiceKit
import ServiceLifecycle
import Store

public final class DeliveryWorkers: Service, @unchecked Sendable {
    let queue = DeliveryQueue()
    private let runtime: ServiceRuntime
    private let delivery: WebhookDelivery
    private let threadCount: Int
    private let sent: Counter
    private let failed: Counter
    private let group = DispatchGroup()

    public init(runtime: ServiceRuntime, delivery: WebhookDelivery, threads: Int = 8) {
        self.runtime = runtime
        self.delivery = delivery
        self.threadCount = threads
        sent = Counter(label: "webhook_deliveries_total", dimensions: [("status", "sent")])
        failed = Counter(label: "webhook_deliveries_total", dimensions: [("status", "failed")])
    }

    /// What the last run left pending; call before the MQTT client starts, so no job is queued twice.
    public func loadPending() throws {
        queue.push(try runtime.store.read { try DeliveryRecords.pending($0) })
    }

    public func run() async throws {
        for index in 0..<threadCount {
            group.enter()
            let thread = Thread { [self] in
                work()
                group.leave()
            }
            thread.name = "webhook-delivery-\(index)"
            thread.start()
        }
        try? await gracefulShutdown()
        // Finish the deliveries in hand; queued ones stay pending in the table for the next start.
        queue.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func work() {
        let client = HTTPClient()
        while let job = queue.pop() {
            let outcome = delivery.deliver(job, config: runtime.config.current, client: client)
            record(job, outcome)
        }
    }

    private func record(_ job: DeliveryJob, _ outcome: DeliveryOutcome) {
        (outcome.status == .sent ? sent : failed).increment()
        if outcome.status != .sent {
            runtime.logger.warning("webhook \(job.dispatch.recipient.address) of tenant \(job.tenant) failed after \(outcome.attempts) attempts: \(outcome.error ?? "")")
        }
        let now = Date()
        let receipt = DeliveryReceipt(dispatchId: job.dispatchId, alertId: job.dispatch.alert.id, channel: job.dispatch.channel,
                                      status: outcome.status, attempt: max(outcome.attempts, 1), httpStatus: outcome.httpStatus,
                                      error: outcome.error, recipient: job.dispatch.recipient)
        // The receipt and the job's end are one transaction, so a crash can neither lose the receipt nor send twice.
        while true {
            do {
                let produced = try runtime.store.write { db in
                    try DeliveryRecords.finish(db, dispatchId: job.dispatchId, status: outcome.status, attempts: outcome.attempts,
                                               httpStatus: outcome.httpStatus, error: outcome.error, at: now)
                    return [try Outbox.enqueue(db, topic: runtime.topics.receipts(tenant: job.tenant),
                                               payload: try Envelope(id: MessageID.derived("receipt", job.dispatchId), source: runtime.source,
                                                                     tenant: job.tenant, time: now, data: receipt).encoded())]
                }
                runtime.health.storeRecovered()
                runtime.relay.send(produced)
                return
            } catch {
                runtime.health.storeFailed(String(describing: error))
                runtime.logger.error("could not record the delivery of \(job.dispatchId), retrying: \(error)")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
