// The escalator's bus side: lifecycle events start, stop and raise escalations, in the batch's transaction.
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit

public struct EscalationProcessor: MessageProcessor {
    let book: EscalationBook
    let clock: any EscalationClock
    let topics: Topics
    /// Called after a commit that added timers, with the earliest of their due times.
    let wake: @Sendable (Date) -> Void

    public init(book: EscalationBook, clock: any EscalationClock, topics: Topics, wake: @escaping @Sendable (Date) -> Void) {
        self.book = book
        self.clock = clock
        self.topics = topics
        self.wake = wake
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        guard let parsed = topics.parse(message.topic), parsed.kind == "events" else { return }
        let envelope = try Envelope<AlertEvent>.decode(message.payload)
        guard envelope.tenant == parsed.tenant, envelope.data.alert.tenant == parsed.tenant else {
            throw ContractError(code: "tenant_mismatch", message: "event for tenant \(envelope.tenant.prefix(60)) on \(message.topic.prefix(120))")
        }
        guard try context.firstDelivery(of: envelope.id) else { return }
        let earliest = try book.apply(envelope, context.db, now: clock.now) { step, topic in
            try context.publish(step, topic: topic)
        }
        if let earliest {
            let wake = self.wake
            context.afterCommit { wake(earliest) }
        }
    }
}
