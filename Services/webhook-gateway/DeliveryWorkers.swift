// The delivery threads (blocking libcurl calls stay off the cooperative pool; each keeps its own connection) and their recorder.
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
    let queue = BlockingQueue<DeliveryJob>()
    /// At most `memoryLimit` jobs are in memory (queued, being delivered, or waiting to be recorded); the others stay
    /// pending in the table and are read back in order as deliveries finish, so a slow receiver and a long backlog
    /// cost disk, not memory.
    let backlog: BoundedBacklog<DeliveryJob>
    private let finished = BlockingQueue<FinishedDelivery>()
    private let runtime: ServiceRuntime
    private let delivery: WebhookDelivery
    private let threadCount: Int
    private let sent: Counter
    private let failed: Counter
    private let group = DispatchGroup()
    private let recorderDone = DispatchGroup()
    /// Most deliveries recorded in one transaction; bounds the transaction, not the throughput.
    static let recordBatchLimit = 256
    /// Receipts in one `alerting/receipts/{tenant}` message: 64 of a few hundred bytes each stay well under the broker's
    /// message_size_limit (broker/mosquitto.prod.conf).
    static let receiptsPerMessage = 64

    public init(runtime: ServiceRuntime, delivery: WebhookDelivery, threads: Int = 8, memoryLimit: Int = 1000) {
        let queue = self.queue
        backlog = BoundedBacklog(
            limit: memoryLimit,
            read: { from, limit in try runtime.store.read { try DeliveryRecords.pending($0, from: from, limit: limit) } },
            id: \.seq,
            handOn: { queue.push($0) },
            readFailed: { runtime.logger.error("could not read pending deliveries: \($0)") })
        self.runtime = runtime
        self.delivery = delivery
        self.threadCount = threads
        sent = Counter(label: "webhook_deliveries_total", dimensions: [("status", "sent")])
        failed = Counter(label: "webhook_deliveries_total", dimensions: [("status", "failed")])
    }

    /// What the last run left pending; call before the MQTT client starts, so no job is queued twice.
    public func loadPending() throws {
        backlog.startFromTable()
    }

    /// Jobs committed just now (after the commit): queued, or left in the table while `memoryLimit` jobs are in memory.
    public func accept(_ jobs: [DeliveryJob]) {
        backlog.offer(jobs)
    }

    public func run() async throws {
        recorderDone.enter()
        let recorder = Thread { [self] in
            recordFinished()
            recorderDone.leave()
        }
        recorder.name = "webhook-recorder"
        recorder.start()
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
        queue.close(discardingQueued: true)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { continuation.resume() }
        }
        // Every delivery thread is gone: record what they finished, then let the recorder end.
        finished.close(discardingQueued: false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            recorderDone.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func work() {
        let client = HTTPClient()
        while let job = queue.take(upTo: 1)?.first {
            let outcome = delivery.deliver(job, config: runtime.config.current, client: client)
            (outcome.status == .sent ? sent : failed).increment()
            if outcome.status != .sent {
                runtime.logger.warning("webhook \(job.dispatch.recipient.address) of tenant \(job.tenant) failed after \(outcome.attempts) attempts: \(outcome.error ?? "")")
            }
            finished.push([FinishedDelivery(job: job, outcome: outcome, at: Date())])
        }
    }

    /// The recorder thread: everything finished since its last commit goes into one transaction.
    private func recordFinished() {
        while let batch = finished.take(upTo: DeliveryWorkers.recordBatchLimit) {
            record(batch)
        }
    }

    private func record(_ batch: [FinishedDelivery]) {
        // A delivery's end and its receipt are one transaction, so a crash can neither lose the receipt nor send twice.
        // The batch's receipts go out as one message per tenant (`DeliveryReceipts`); its id is derived from the first
        // dispatch in it, which is recorded once, so a re-publish after a crash keeps the id and the router drops it.
        while true {
            do {
                let produced = try runtime.store.write { db -> [OutboxMessage] in
                    try runtime.relay.deleteAcknowledged(in: db)
                    var byTenant: [(tenant: String, receipts: [DeliveryReceipt], at: Date)] = []
                    for item in batch {
                        let job = item.job, outcome = item.outcome
                        try DeliveryRecords.finish(db, dispatchId: job.dispatchId, status: outcome.status, attempts: outcome.attempts,
                                                   httpStatus: outcome.httpStatus, error: outcome.error, at: item.at)
                        let receipt = DeliveryReceipt(dispatchId: job.dispatchId, alertId: job.dispatch.alert.id, channel: job.dispatch.channel,
                                                      status: outcome.status, attempt: max(outcome.attempts, 1), httpStatus: outcome.httpStatus,
                                                      error: outcome.error, recipient: job.dispatch.recipient)
                        // At most receiptsPerMessage per message: the broker drops a message over its
                        // message_size_limit (just above limits.max_payload_bytes) without telling anyone.
                        if let index = byTenant.lastIndex(where: { $0.tenant == job.tenant }),
                           byTenant[index].receipts.count < DeliveryWorkers.receiptsPerMessage {
                            byTenant[index].receipts.append(receipt)
                        } else {
                            byTenant.append((job.tenant, [receipt], item.at))
                        }
                    }
                    return try byTenant.map { group in
                        let envelope = Envelope(id: MessageID.derived(group.receipts[0].dispatchId, "receipts"), source: runtime.source,
                                                tenant: group.tenant, time: group.at, data: DeliveryReceipts(receipts: group.receipts))
                        return try Outbox.enqueue(db, topic: runtime.topics.receipts(tenant: group.tenant), payload: try envelope.encoded())
                    }
                }
                runtime.health.storeRecovered()
                runtime.relay.send(produced)
                // Recorded: no longer pending in the table, so the next ones may come in from there.
                backlog.finished(batch.map(\.job.seq))
                return
            } catch {
                runtime.health.storeFailed(String(describing: error))
                runtime.logger.error("could not record \(batch.count) deliveries (first \(batch[0].job.dispatchId)), retrying: \(error)")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
