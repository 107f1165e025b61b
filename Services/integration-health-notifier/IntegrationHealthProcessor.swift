// The notifier's handling of bus messages: health events, preference changes and delivery receipts, each in the
// batch's transaction, what they produce queued in the outbox.
import Config
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit

public struct IntegrationHealthProcessor: MessageProcessor {
    let config: ConfigStore
    let topics: Topics
    let notifier: HealthNotifier
    /// Overrides the batch's time (tests of flap windows); nil: the time the batch is processed.
    let clock: (@Sendable () -> Date)?

    public init(config: ConfigStore, topics: Topics, source: String, logger: Logger, clock: (@Sendable () -> Date)? = nil) {
        self.config = config
        self.topics = topics
        self.clock = clock
        notifier = HealthNotifier(topics: topics, source: source, logger: logger)
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        let now = clock?() ?? context.now
        let out: [Outbound]
        if message.topic.hasPrefix("integrations/health/") {
            out = try notifier.health(context.db, topic: message.topic, payload: message.payload, retained: message.retain,
                                      config: config.current, now: now)
        } else if message.topic.hasPrefix("integrations/preferences/") {
            out = try notifier.preferences(context.db, topic: message.topic, payload: message.payload, config: config.current, now: now)
        } else if let parsed = topics.parse(message.topic), parsed.kind == "receipts", parsed.rest.isEmpty {
            out = try receipts(message, tenant: parsed.tenant, context, now: now)
        } else {
            return
        }
        for item in out { try context.publish(topic: item.topic, payload: item.payload, retain: item.retain) }
    }

    /// One receipt or a batch of them; the tenant of the envelope must be the topic's.
    private func receipts(_ message: MQTTMessage, tenant: String, _ context: ProcessingContext, now: Date) throws -> [Outbound] {
        if EnvelopeType.of(message.payload) == DeliveryReceipts.eventType {
            let envelope = try Envelope<DeliveryReceipts>.decode(message.payload)
            guard envelope.tenant == tenant, try context.firstDelivery(of: envelope.id) else { return [] }
            return try envelope.data.receipts.flatMap { try notifier.receipt(context.db, $0, tenant: tenant, now: now) }
        }
        let envelope = try Envelope<DeliveryReceipt>.decode(message.payload)
        guard envelope.tenant == tenant, try context.firstDelivery(of: envelope.id) else { return [] }
        return try notifier.receipt(context.db, envelope.data, tenant: tenant, now: now)
    }
}
