// What a service implements to consume bus messages durably: one message at a time, inside a batch transaction.
import Contracts
import Foundation
import GRDB
import Metrics
import MQTT
import Store

public protocol MessageProcessor: Sendable {
    /// Runs on the MQTT loop thread inside the batch's write transaction. Throwing a storage error fails the whole
    /// batch (nothing is acknowledged, the broker redelivers); any other error drops this message alone as poison,
    /// with a log line and a counter: the batch is rolled back and run again with a savepoint per message
    /// (`DurableConsumer`). So a message may be processed twice, the first time in a transaction that never
    /// commits: keep side effects in the transaction, or in `ProcessingContext.afterCommit`.
    func process(_ message: MQTTMessage, _ context: ProcessingContext) throws
}

/// The transaction a message is processed in, and what it publishes once the transaction commits.
public final class ProcessingContext {
    public let db: Database
    public let now: Date
    public let source: String
    private let lane: @Sendable (String) -> String
    private(set) var produced: [OutboxMessage] = []
    private(set) var afterCommitActions: [() -> Void] = []

    init(db: Database, now: Date, source: String, lane: @escaping @Sendable (String) -> String = { _ in "" }) {
        self.db = db
        self.now = now
        self.source = source
        self.lane = lane
    }

    /// Queues a publish in the outbox, in this transaction; it goes out after commit, in its topic's lane
    /// (`OutboxRelay.lane`), and survives a crash.
    public func publish(topic: String, payload: Data, retain: Bool = false) throws {
        produced.append(try Outbox.enqueue(db, topic: topic, payload: payload, retain: retain, lane: lane(topic)))
    }

    public func publish<P: EnvelopePayload>(_ envelope: Envelope<P>, topic: String, retain: Bool = false) throws {
        try publish(topic: topic, payload: try envelope.encoded(), retain: retain)
    }

    /// Records a message id in the inbox; false when it was seen before and must be dropped.
    public func firstDelivery(of id: String) throws -> Bool {
        let first = try Inbox.record(db, id: id, at: now)
        // Repeats: the broker's redeliveries, a publisher's re-publish after a crash or a broker restart.
        if !first { Counter(label: "alerting_messages_repeated_total", dimensions: [("source", source)]).increment() }
        return first
    }

    /// Runs once the batch's transaction committed (hand work to other threads here, never before).
    public func afterCommit(_ action: @escaping () -> Void) { afterCommitActions.append(action) }

    func rollBack(to mark: (produced: Int, actions: Int)) {
        produced.removeSubrange(mark.produced...)
        afterCommitActions.removeSubrange(mark.actions...)
    }
    var mark: (produced: Int, actions: Int) { (produced.count, afterCommitActions.count) }
}
