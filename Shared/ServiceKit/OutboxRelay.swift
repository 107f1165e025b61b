// Moves committed outbox rows to the broker and deletes them once the broker acknowledged them.
import Foundation
import GRDB
import Logging
import MQTT
import Store
import Synchronization

public final class OutboxRelay: Sendable {
    private let store: Store
    private let client: MQTTClient
    private let logger: Logger
    private let metrics: ServiceMetrics
    /// Rows the broker acknowledged that are not deleted yet, and when the oldest of them was acknowledged.
    private let acknowledged = Mutex<(ids: [Int64], since: Double)>(([], 0))

    /// Deleting acknowledged rows in a transaction of their own cost one more commit per batch (WAL pages
    /// written, the lock taken) in every service. They are deleted in the next transaction the service
    /// writes anyway (`deleteAcknowledged(in:)`), or on their own when the MQTT loop has been idle for
    /// `MQTTSettings.idleDelay` (`DurableConsumer.mqttIdle`), once this many are waiting, or once the
    /// oldest has waited `maximumDelay` seconds. A kill -9 inside that window re-publishes those rows at
    /// the next start, with their ids, which consumers drop as repeats.
    static let batchLimit = 512
    static let maximumDelay = 0.5

    /// At most `memoryLimit` committed rows are handed to the MQTT client at a time (not counting those it holds
    /// for a topic without subscriber). A service that commits faster than the broker takes its publishes — ingest in
    /// a burst, a router whose broker is busy — keeps the rest in the outbox table, where they are anyway, and reads
    /// them from there as the broker acknowledges: memory stays bounded however long the backlog, instead of holding
    /// every payload of it twice (outbox row and MQTT queue).
    private let backlog: BoundedBacklog<OutboxMessage>

    /// - Parameter needsSubscriber: topics whose messages must reach a subscriber (`MQTTPublish.needsSubscriber`).
    public init(store: Store, client: MQTTClient, metrics: ServiceMetrics, logger: Logger, memoryLimit: Int = 2000,
                needsSubscriber: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.store = store
        self.client = client
        self.metrics = metrics
        self.logger = logger
        backlog = BoundedBacklog(
            limit: memoryLimit,
            read: { from, limit in try store.read { try Outbox.pending($0, from: from, limit: limit) } },
            id: \.id,
            handOn: { messages in
                client.publish(messages.map {
                    MQTTPublish(topic: $0.topic, payload: $0.payload, qos: $0.qos, retain: $0.retain, token: $0.id,
                                needsSubscriber: needsSubscriber($0.topic))
                })
                metrics.published.increment(by: messages.count)
            },
            extraRoom: { client.publishesHeldForSubscriber },
            readFailed: { logger.error("could not read the outbox backlog: \($0)") })
    }

    /// At start, before any new work: what a crash left in the outbox goes out again (consumers drop
    /// the repeats by message id), read from the table as the broker takes it.
    public func republishPending() throws {
        let count = try store.read { try Outbox.count($0) }
        guard count > 0 else { return }
        logger.notice("re-publishing \(count) outbox messages left from the last run")
        backlog.startFromTable()
    }

    /// Hands rows committed in a transaction to the MQTT loop thread, or leaves them to be read from the table
    /// when `memoryLimit` rows are out already.
    public func send(_ messages: [OutboxMessage]) {
        backlog.offer(messages)
    }

    /// Loop thread: the broker holds these now. Their rows go in the service's next write transaction,
    /// or in one of their own when too many wait or for too long.
    public func delivered(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        backlog.finished(tokens)
        let now = monotonicSeconds()
        let due = acknowledged.withLock { state -> Bool in
            if state.ids.isEmpty { state.since = now }
            state.ids.append(contentsOf: tokens)
            return state.ids.count >= OutboxRelay.batchLimit || now - state.since >= OutboxRelay.maximumDelay
        }
        if due { flushAcknowledged() }
    }

    /// Loop thread: the broker refused these publishes and their rows are gone (moved to the dead letters by
    /// `DurableConsumer.mqttRefused`); they leave the in-memory window without being deleted again.
    public func refused(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        backlog.finished(tokens)
    }

    /// Deletes the acknowledged rows inside a transaction the caller is writing anyway. If that
    /// transaction rolls back the ids are lost here, the rows stay and go out again after a restart,
    /// where consumers drop them as repeats.
    public func deleteAcknowledged(in db: Database) throws {
        let ids = takeAcknowledged()
        guard !ids.isEmpty else { return }
        do {
            try Outbox.remove(db, ids: ids)
        } catch {
            giveBack(ids)
            throw error
        }
    }

    /// Deletes what is waiting in a transaction of its own (idle periods, shutdown).
    public func flushAcknowledged() {
        do {
            try store.write { try deleteAcknowledged(in: $0) }
        } catch {
            // The rows stay and go out again after a restart; consumers drop the repeats.
            logger.error("could not delete delivered outbox rows: \(error)")
        }
    }

    /// Rows handed to the MQTT client and not acknowledged yet (at most `memoryLimit` plus those held for a topic
    /// without subscriber).
    public var inClient: Int { backlog.inMemory }

    /// Whether rows wait in the table only, to be read as the broker acknowledges.
    public var isSpilled: Bool { backlog.isSpilled }

    /// How many acknowledged rows wait to be deleted.
    public var acknowledgedWaiting: Int { acknowledged.withLock { $0.ids.count } }

    /// The ids of acknowledged rows, for a caller that deletes them in its transaction (and gives them back with
    /// `giveBack` if that transaction does not commit).
    public func takeAcknowledged() -> [Int64] {
        acknowledged.withLock { state -> [Int64] in
            let ids = state.ids
            state.ids = []
            return ids
        }
    }

    public func giveBack(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        acknowledged.withLock { state in
            if state.ids.isEmpty { state.since = monotonicSeconds() }
            state.ids.insert(contentsOf: ids, at: 0)
        }
    }
}
