// Publishes the ack of a button press through the service's outbox: stored before Slack hears 200, sent until the
// broker has it.
import Contracts
import Foundation
import ServiceKit
import Store

struct SlackAckPublisher: Sendable {
    let runtime: ServiceRuntime

    func publish(_ command: AckCommand, tenant: String, alertId: String) throws {
        let payload = try JSONEncoder().encode(command)
        let topic = runtime.topics.ack(tenant: tenant, alertId: alertId)
        let message = try runtime.store.write { db in try Outbox.enqueue(db, topic: topic, payload: payload) }
        runtime.relay.send([message])
    }
}
