// A gateway's handling of dispatches: each new one is stored as a job, then handed to the delivery threads.
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit

public struct GatewayProcessor: MessageProcessor {
    let topics: Topics
    let channels: Set<String>
    let logger: Logger
    let enqueue: @Sendable ([GatewayJob]) -> Void

    public init(topics: Topics, channels: [String], logger: Logger, enqueue: @escaping @Sendable ([GatewayJob]) -> Void) {
        self.topics = topics
        self.channels = Set(channels)
        self.logger = logger
        self.enqueue = enqueue
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        // `alerting/dispatch/{channel}/{tenant}`: `parse` names the segment after the kind `tenant`.
        guard let parsed = topics.parse(message.topic), parsed.kind == "dispatch", parsed.rest.count == 1 else { return }
        guard channels.contains(parsed.tenant) else {
            // Subscribed to but not delivered by this provider: a dead letter rather than an acknowledged loss.
            throw GatewayError(message: "no provider for channel \(parsed.tenant) in this gateway")
        }
        let tenant = parsed.rest[0]
        let envelope = try Envelope<DispatchRequest>.decode(message.payload)
        guard envelope.tenant == tenant else {
            logger.error("refused a dispatch whose tenant does not match its topic \(message.topic)")
            return
        }
        // A dispatch id is handled once, whatever the broker redelivers: its row is the record of it.
        guard let job = try GatewayRecords.insert(context.db, envelope.data, tenant: tenant, envelope: message.payload, at: context.now)
        else { return }
        let enqueue = self.enqueue
        context.afterCommit { enqueue([job]) }
    }
}

public struct GatewayError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
