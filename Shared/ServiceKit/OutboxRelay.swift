// Moves committed outbox rows to the broker and deletes them once the broker acknowledged them.
import Foundation
import Logging
import MQTT
import Store

public final class OutboxRelay: Sendable {
    private let store: Store
    private let client: MQTTClient
    private let logger: Logger
    private let metrics: ServiceMetrics

    public init(store: Store, client: MQTTClient, metrics: ServiceMetrics, logger: Logger) {
        self.store = store
        self.client = client
        self.metrics = metrics
        self.logger = logger
    }

    /// At start, before any new work: what a crash left in the outbox goes out again (consumers drop
    /// the repeats by message id).
    public func republishPending() throws {
        let pending = try store.read { try Outbox.pending($0, limit: .max) }
        if !pending.isEmpty { logger.notice("re-publishing \(pending.count) outbox messages left from the last run") }
        send(pending)
    }

    /// Hands rows committed in a transaction to the MQTT loop thread.
    public func send(_ messages: [OutboxMessage]) {
        guard !messages.isEmpty else { return }
        client.publish(messages.map { MQTTPublish(topic: $0.topic, payload: $0.payload, qos: $0.qos, retain: $0.retain, token: $0.id) })
        metrics.published.increment(by: messages.count)
    }

    /// Loop thread: the broker holds these now.
    public func delivered(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        do {
            try store.write { try Outbox.remove($0, ids: tokens) }
        } catch {
            // The rows stay and go out again after a restart; consumers drop the repeats.
            logger.error("could not delete \(tokens.count) delivered outbox rows: \(error)")
        }
    }
}
