// The MQTT sink of a service: each batch of messages is processed and committed in one transaction before its PUBACKs go out.
import Foundation
import GRDB
import Logging
import MQTT
import Store
import Synchronization

public final class DurableConsumer: MQTTSink, @unchecked Sendable {
    private let store: Store
    private let processor: any MessageProcessor
    private let relay: OutboxRelay
    private let health: HealthState
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let source: String
    private let clock: @Sendable () -> Date
    /// Takes the live presence messages (consumers' status and announcements) of a publisher of dispatches.
    private let presence: ChannelPresence?
    private let connects = Mutex(0)

    public init(store: Store, processor: any MessageProcessor, relay: OutboxRelay, health: HealthState,
                metrics: ServiceMetrics, source: String, logger: Logger, presence: ChannelPresence? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.presence = presence
        self.store = store
        self.processor = processor
        self.relay = relay
        self.health = health
        self.metrics = metrics
        self.source = source
        self.logger = logger
        self.clock = clock
    }

    /// The batch runs in one transaction without a savepoint per message. A savepoint costs two statements and,
    /// worse, a copy of every page the message changes into the statement journal (the router's messages each touch
    /// several pages), and it is only needed when a message fails, which is rare. So a batch is tried whole first;
    /// when a message fails, that transaction is rolled back and the batch is run again with a savepoint per
    /// message, which drops the failing ones alone.
    public func mqttReceived(_ batch: [MQTTMessage]) throws {
        var batch = batch
        if let presence {
            // QoS 0 and nothing to store: presence is about this connection only.
            batch.removeAll { presence.observe($0) }
            guard !batch.isEmpty else { return }
        }
        let produced: [OutboxMessage]
        let actions: [() -> Void]
        var deadLettered = 0
        do {
            do {
                (produced, actions, _) = try commit(batch, isolatingFailures: false)
            } catch where !StorageFailure.isStorageFailure(error) {
                (produced, actions, deadLettered) = try commit(batch, isolatingFailures: true)
            }
        } catch {
            health.storeFailed(String(describing: error))
            metrics.storeFailures.increment()
            logger.error("could not commit \(batch.count) messages, leaving them unacknowledged: \(error)")
            throw error
        }
        health.storeRecovered()
        metrics.received.increment(by: batch.count)
        metrics.batches.increment()
        if deadLettered > 0 { metrics.deadLettered(.received).increment(by: deadLettered) }
        relay.send(produced)
        for action in actions { action() }
    }

    /// Returns what the batch published, its after-commit actions and how many messages went to the dead letters.
    private func commit(_ batch: [MQTTMessage], isolatingFailures: Bool) throws -> ([OutboxMessage], [() -> Void], Int) {
        // Durably: the PUBACKs of this batch go out once this returns, and the broker then forgets the messages.
        try store.writeDurably { db -> ([OutboxMessage], [() -> Void], Int) in
            // The rows of publishes the broker acknowledged since the last batch go in this commit; if it rolls back,
            // they wait for the next one.
            try relay.deleteAcknowledged(in: db)
            let context = ProcessingContext(db: db, now: clock(), source: source, lane: relay.lane)
            var deadLettered = 0
            for message in batch {
                guard isolatingFailures else {
                    try processor.process(message, context)
                    continue
                }
                let mark = context.mark
                do {
                    try db.inSavepoint {
                        try processor.process(message, context)
                        return .commit
                    }
                } catch where !StorageFailure.isStorageFailure(error) {
                    context.rollBack(to: mark)
                    // Acknowledged with the batch, so kept where an operator can find it (`SERVICE dead-letters`),
                    // in this transaction: dropped and recorded, or neither.
                    try DeadLetters.record(db, direction: .received, topic: message.topic, payload: message.payload,
                                           reason: String(String(describing: error).prefix(1_000)), at: context.now)
                    deadLettered += 1
                    metrics.poison.increment()
                    logger.error("dropped a message on \(message.topic) that could not be processed, kept as a dead letter: \(error)")
                }
            }
            return (context.produced, context.afterCommitActions, deadLettered)
        }
    }

    public func mqttDelivered(tokens: [Int64]) {
        relay.delivered(tokens: tokens)
    }

    /// The broker refused these publishes for good: each outbox row moves to the dead letters in one transaction,
    /// instead of counting as delivered. If that write fails the rows stay and go out again at the next start.
    public func mqttRefused(_ refusals: [MQTTRefusal]) {
        let now = clock()
        do {
            let moved = try store.write { db -> Int in
                var moved = 0
                for refusal in refusals where try DeadLetters.moveFromOutbox(db, id: refusal.token, reason: refusal.description, at: now) {
                    moved += 1
                }
                return moved
            }
            if moved > 0 { metrics.deadLettered(.published).increment(by: moved) }
        } catch {
            health.storeFailed(String(describing: error))
            metrics.storeFailures.increment()
            logger.error("could not record \(refusals.count) refused publishes as dead letters; they go out again at the next start: \(error)")
        }
        relay.refused(tokens: refusals.map(\.token))
    }

    /// After a reconnect the broker may have restarted and lost what it acknowledged since its last snapshot: that is
    /// published again (`OutboxRelay.replayKept`), after the presence of channel consumers is reset, so a channel's
    /// dispatches wait for its consumer to answer again.
    public func mqttConnected() {
        presence?.connected()
        if connects.withLock({ count -> Bool in count += 1; return count > 1 }) { relay.replayKept() }
    }

    /// Acknowledged outbox rows wait for the next batch's transaction; when no batch comes they go on their own.
    public var mqttHasIdleWork: Bool { relay.acknowledgedWaiting > 0 }

    public func mqttIdle() { relay.flushAcknowledged() }
}
