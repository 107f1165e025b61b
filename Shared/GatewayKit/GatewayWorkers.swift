// The delivery threads, the recorder thread and the retry scheduler of a gateway: jobs go from the table to
// per-destination queues, through one attempt each, and back to the table (finished with a receipt, or rescheduled).
import Config
import Contracts
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import Store
import Synchronization

public final class GatewayWorkers<Provider: GatewayProvider>: Service, @unchecked Sendable {
    /// Fresh jobs: at most `memoryLimit` in memory, the rest pending in the table, read back in rowid order.
    let backlog: BoundedBacklog<GatewayJob>
    public let queues: DestinationQueues
    private let records: BlockingQueue<RecordedAttempt>
    private let runtime: ServiceRuntime
    private let provider: Provider
    private let settings: GatewaySettings
    private let metrics: GatewayMetrics
    private let clock: @Sendable () -> Double
    private let group = DispatchGroup()
    private let recorderDone = DispatchGroup()

    /// Touched by the recorder thread only.
    private var retries: RetryScheduler
    /// Urgent jobs committed since the recorder last looked (`accept`): it tells `retries`, which reads them first.
    private let urgentArrivals = Mutex<[Int64]>([])

    /// Most attempts recorded in one transaction; bounds the transaction, not the throughput.
    static var recordBatchLimit: Int { 256 }
    /// Receipts in one `alerting/receipts/{tenant}` message: 64 of a few hundred bytes each stay well under the
    /// broker's message_size_limit (broker/mosquitto.prod.conf).
    static var receiptsPerMessage: Int { 64 }

    public init(runtime: ServiceRuntime, provider: Provider, settings: GatewaySettings = GatewaySettings(),
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.runtime = runtime
        self.provider = provider
        self.settings = settings
        self.clock = clock
        retries = RetryScheduler(memoryLimit: settings.memoryLimit)
        metrics = GatewayMetrics(service: runtime.name, channels: provider.channels)
        let records = BlockingQueue<RecordedAttempt>()
        self.records = records
        // Jobs asked back by a destination with room are read by the recorder thread: wake it.
        let queues = DestinationQueues(maxInFlight: settings.maxInFlightPerDestination, maxQueueWait: settings.maxQueueWait, clock: clock,
                                       onRecall: { records.wake() })
        self.queues = queues
        let admit = Admission(queues: queues, records: records, provider: provider, config: runtime.config, metrics: metrics)
        backlog = BoundedBacklog(
            limit: settings.memoryLimit,
            read: { from, limit in try runtime.store.read { try GatewayRecords.pending($0, from: from, limit: limit) } },
            id: \.seq,
            handOn: { admit($0) },
            readFailed: { runtime.logger.error("could not read pending deliveries: \($0)") }, retries: runtime.delayedWork)
        self.admission = admit
    }

    private let admission: Admission<Provider>

    /// What the last run left pending; call before the MQTT client starts, so no job is queued twice.
    public func loadPending() throws {
        backlog.startFromTable()
    }

    /// Jobs committed just now (after the commit): queued, or left in the table while `memoryLimit` jobs are in memory.
    /// Urgent ones were stored scheduled, ahead of every other scheduled row (`GatewayRecords.insert`): the recorder
    /// thread reads them back at once, however many fresh jobs wait before them in the window.
    public func accept(_ jobs: [GatewayJob]) {
        backlog.offer(jobs.filter { !$0.scheduled })
        let urgent = jobs.filter(\.scheduled).map(\.seq)
        guard !urgent.isEmpty else { return }
        urgentArrivals.withLock { $0.append(contentsOf: urgent) }
        records.wake()
    }

    public func run() async throws {
        recorderDone.enter()
        let recorder = Thread { [self] in
            recordAndSchedule()
            recorderDone.leave()
        }
        recorder.name = "\(runtime.name)-recorder"
        recorder.start()
        for index in 0..<settings.threads {
            group.enter()
            let thread = Thread { [self] in
                work()
                group.leave()
            }
            thread.name = "\(runtime.name)-delivery-\(index)"
            thread.start()
        }
        try? await gracefulShutdown()
        // Finish the attempts in hand; queued jobs stay pending in the table for the next start.
        queues.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { continuation.resume() }
        }
        // Every delivery thread is gone: record what they finished, then let the recorder end.
        records.close(discardingQueued: false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            recorderDone.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func work() {
        let connection = provider.makeConnection()
        while let (job, destination) = queues.take() {
            let config = runtime.config.current
            let attempt = job.attempts + 1
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = provider.deliver(job, attempt: attempt, config: config, connection: connection)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            metrics.attempted(channel: job.dispatch.channel, outcome: outcome, seconds: seconds)
            let now = Date()
            let kind: RecordedAttempt.Kind
            var pause = false
            var retryAfter: Double?
            switch outcome {
            case .delivered(let status, let httpStatus, let providerRef):
                kind = .finished(status: status, attempts: attempt, httpStatus: httpStatus, error: nil, providerRef: providerRef)
            case .failed(let httpStatus, let error, let failure):
                kind = .finished(status: AttemptOutcome.finalStatus(of: failure), attempts: attempt, httpStatus: httpStatus, error: error,
                                 providerRef: nil)
            case .retry(let after, let httpStatus, let error, _, let pauseDestination):
                let schedule = provider.retrySchedule(config: config)
                pause = pauseDestination
                retryAfter = after.map { min(max($0, 0), schedule.maxRetryAfter) }
                if let delay = schedule.delay(afterAttempt: attempt, retryAfter: after) {
                    runtime.logger.debug("\(job.dispatch.channel) delivery \(job.dispatchId) to \(destination.label): attempt \(attempt) failed, next in \(delay) s: \(error)")
                    kind = .rescheduled(attempts: attempt, httpStatus: httpStatus, error: error, notBefore: now.timeIntervalSince1970 + delay)
                } else {
                    kind = .finished(status: .failed, attempts: attempt, httpStatus: httpStatus,
                                     error: "\(error) (gave up after \(attempt) attempts)", providerRef: nil)
                }
            }
            if case .finished(let status, _, _, let error, _) = kind, status == .failed || status == .bounced {
                runtime.logger.warning("\(job.dispatch.channel) delivery \(job.dispatchId) to \(destination.label) of tenant \(job.tenant) failed after \(attempt) attempts: \(error ?? "")")
            }
            let deferred = queues.attemptEnded(destination, duration: seconds, succeeded: outcome.failure == nil, pause: pause,
                                               retryAfter: retryAfter)
            if !deferred.isEmpty {
                metrics.deferred(channel: job.dispatch.channel, count: deferred.count)
                runtime.logger.info("\(destination.label) paused: \(deferred.count) deliveries wait in the table")
            }
            records.push([RecordedAttempt(job: job, kind: kind, at: now)]
                         + deferred.map { RecordedAttempt(job: $0.job, kind: .deferred(notBefore: $0.notBefore), at: now) })
        }
    }

    /// The recorder thread: everything finished since its last commit goes into one transaction; between commits,
    /// scheduled jobs that are due are read back from the table.
    private func recordAndSchedule() {
        while true {
            // Always a finite deadline: NSCondition.wait(until: .distantFuture) traps in swift-corelibs-foundation.
            let wake = Date(timeIntervalSince1970: min(retries.wake ?? .infinity, Date().timeIntervalSince1970 + 3_600))
            guard let batch = records.take(upTo: Self.recordBatchLimit, until: wake) else { return }
            if !batch.isEmpty { record(batch) }
            let arrived = urgentArrivals.withLock { arrivals -> [Int64] in
                defer { arrivals.removeAll() }
                return arrivals
            }
            for seq in arrived { retries.scheduled(seq: seq, notBefore: GatewayRecords.urgentNotBefore) }
            scheduleDue()
            recallParked()
        }
    }

    /// Jobs a destination asks back now that it has room (`DestinationQueues.takeRecalls`): those still scheduled and
    /// not in memory are handed on before their estimated time. A failed read leaves them to that time.
    private func recallParked() {
        let seqs = queues.takeRecalls()
        guard !seqs.isEmpty else { return }
        defer { queues.recallsDone(seqs) }
        do {
            let rows = try runtime.store.read { try GatewayRecords.scheduled($0, seqs: seqs) }
            let jobs = retries.takeEarly(rows)
            if !jobs.isEmpty { admission(jobs) }
        } catch {
            runtime.logger.error("could not read \(seqs.count) deliveries asked back early; they wait for their time: \(error)")
        }
    }

    private func scheduleDue() {
        let now = clock()
        do {
            let due = try runtime.store.read { try retries.takeDue(now: now, from: $0) }
            if !due.isEmpty { admission(due) }
        } catch {
            runtime.logger.error("could not read deliveries due for a retry, trying again in a second: \(error)")
            retries.readFailed(retryAt: now + 1)
        }
    }

    private func record(_ batch: [RecordedAttempt]) {
        // A delivery's end and its receipt are one transaction, so a crash can neither lose the receipt nor send twice.
        // The batch's receipts go out as one message per tenant (`DeliveryReceipts`); its id is derived from the first
        // dispatch in it, which is recorded once, so a re-publish after a crash keeps the id and the router drops it.
        while true {
            do {
                let (produced, deadLettered) = try runtime.store.write { db -> ([OutboxMessage], Int) in
                    try runtime.relay.deleteAcknowledged(in: db)
                    var byTenant: [(tenant: String, receipts: [DeliveryReceipt], at: Date)] = []
                    var deadLettered = 0
                    for item in batch {
                        let job = item.job
                        switch item.kind {
                        case .deferred(let notBefore):
                            try GatewayRecords.reschedule(db, dispatchId: job.dispatchId, attempts: job.attempts, httpStatus: nil,
                                                          error: nil, notBefore: notBefore)
                        case .rescheduled(let attempts, let httpStatus, let error, let notBefore):
                            try GatewayRecords.reschedule(db, dispatchId: job.dispatchId, attempts: attempts, httpStatus: httpStatus,
                                                          error: error, notBefore: notBefore)
                        case .finished(let status, let attempts, let httpStatus, let error, let providerRef):
                            try GatewayRecords.finish(db, dispatchId: job.dispatchId, status: status, attempts: attempts,
                                                      httpStatus: httpStatus, error: error, at: item.at)
                            if status == .failed || status == .bounced {
                                // Kept where an operator finds it (`SERVICE dead-letters`): the dispatch as it arrived.
                                let body = try GatewayRecords.body(db, dispatchId: job.dispatchId) ?? Data()
                                try DeadLetters.record(db, direction: .received,
                                                       topic: runtime.topics.dispatch(channel: job.dispatch.channel, tenant: job.tenant),
                                                       payload: body, reason: "delivery failed: \(error ?? "no reason")", at: item.at)
                                deadLettered += 1
                            }
                            let receipt = DeliveryReceipt(dispatchId: job.dispatchId, alertId: job.dispatch.alert.id,
                                                          channel: job.dispatch.channel, status: status, attempt: max(attempts, 1),
                                                          httpStatus: httpStatus, error: error, providerRef: providerRef,
                                                          recipient: job.dispatch.recipient)
                            // At most receiptsPerMessage per message: the broker drops a message over its
                            // message_size_limit (just above limits.max_payload_bytes) without telling anyone.
                            if let index = byTenant.lastIndex(where: { $0.tenant == job.tenant }),
                               byTenant[index].receipts.count < Self.receiptsPerMessage {
                                byTenant[index].receipts.append(receipt)
                            } else {
                                byTenant.append((job.tenant, [receipt], item.at))
                            }
                        }
                    }
                    let produced = try byTenant.map { group in
                        let envelope = Envelope(id: MessageID.derived(group.receipts[0].dispatchId, "receipts"), source: runtime.source,
                                                tenant: group.tenant, time: group.at, data: DeliveryReceipts(receipts: group.receipts))
                        return try Outbox.enqueue(db, topic: runtime.topics.receipts(tenant: group.tenant), payload: try envelope.encoded())
                    }
                    return (produced, deadLettered)
                }
                runtime.health.storeRecovered()
                runtime.relay.send(produced)
                if deadLettered > 0 { runtime.metrics.deadLettered(.received).increment(by: deadLettered) }
                for item in batch {
                    switch item.kind {
                    case .finished(let status, _, _, _, _): metrics.finished(channel: item.job.dispatch.channel, status: status.rawValue)
                    case .rescheduled(_, _, _, let notBefore), .deferred(let notBefore): retries.scheduled(seq: item.job.seq, notBefore: notBefore)
                    }
                }
                // Recorded: no longer in memory, so the next ones may come in from the table.
                backlog.finished(batch.filter { !$0.job.scheduled }.map(\.job.seq))
                for item in batch where item.job.scheduled { retries.recorded(seq: item.job.seq) }
                return
            } catch {
                runtime.health.storeFailed(String(describing: error))
                runtime.logger.error("could not record \(batch.count) deliveries (first \(batch[0].job.dispatchId)), retrying: \(error)")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}

/// Puts jobs in their destinations' queues; what would wait long goes back to the table through the recorder.
struct Admission<Provider: GatewayProvider>: Sendable {
    let queues: DestinationQueues
    let records: BlockingQueue<RecordedAttempt>
    let provider: Provider
    let config: ConfigStore
    let metrics: GatewayMetrics

    func callAsFunction(_ jobs: [GatewayJob]) {
        let current = config.current
        let deferred = queues.offer(jobs.map { ($0, provider.destination(of: $0, config: current)) })
        guard !deferred.isEmpty else { return }
        let now = Date()
        for item in deferred { metrics.deferred(channel: item.job.dispatch.channel) }
        records.push(deferred.map { RecordedAttempt(job: $0.job, kind: .deferred(notBefore: $0.notBefore), at: now) })
    }
}
