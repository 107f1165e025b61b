// The gateway's handling of dispatches: each new one is stored as a job, then handed to the delivery threads.
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit

public struct WebhookGatewayProcessor: MessageProcessor {
    let topics: Topics
    let logger: Logger
    let enqueue: @Sendable ([DeliveryJob]) -> Void

    public init(topics: Topics, logger: Logger, enqueue: @escaping @Sendable ([DeliveryJob]) -> Void) {
        self.topics = topics
        self.logger = logger
        self.enqueue = enqueue
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        guard let parsed = topics.parse(message.topic), parsed.kind == "dispatch", parsed.rest.count == 1 else { return }
        let tenant = parsed.rest[0]
        let envelope = try Envelope<DispatchRequest>.decode(message.payload)
        guard envelope.tenant == tenant else {
            logger.error("refused a dispatch whose tenant does not match its topic \(message.topic)")
            return
        }
        // A dispatch id is handled once, whatever the broker redelivers: its row is the record of it.
        guard let job = try DeliveryRecords.insert(context.db, envelope.data, tenant: tenant, envelope: message.payload, at: context.now)
        else { return }
        let enqueue = self.enqueue
        context.afterCommit { enqueue([job]) }
    }
}
