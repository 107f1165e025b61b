// The router's handling of bus messages: lifecycle events become dispatches; receipts update the audit log.
import Config
import Contracts
import Foundation
import Logging
import Metrics
import MQTT
import ServiceKit

public struct RouterProcessor: MessageProcessor {
    let config: ConfigStore
    let topics: Topics
    let logger: Logger
    let dispatched: Counter
    let tenantMismatches: Counter

    public init(config: ConfigStore, topics: Topics, logger: Logger) {
        self.config = config
        self.topics = topics
        self.logger = logger
        dispatched = Counter(label: "router_dispatches_total")
        tenantMismatches = Counter(label: "router_tenant_mismatch_total")
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        guard let parsed = topics.parse(message.topic) else { return }
        switch parsed.kind {
        case "events": try lifecycleEvent(message, topicTenant: parsed.tenant, context)
        case "receipts": try receipt(message, topicTenant: parsed.tenant, context)
        default: return
        }
    }

    private func lifecycleEvent(_ message: MQTTMessage, topicTenant: String, _ context: ProcessingContext) throws {
        let envelope = try Envelope<AlertEvent>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        // Tenants never see each other's alerts: the topic, the envelope and the alert must agree.
        guard envelope.tenant == topicTenant, envelope.data.alert.tenant == topicTenant else {
            tenantMismatches.increment()
            logger.error("refused an event whose tenant does not match its topic \(message.topic)")
            return
        }
        guard let tenant = config.current.tenant(id: topicTenant), tenant.enabled else {
            logger.warning("event for tenant \(topicTenant), which is not configured or disabled: no dispatch")
            return
        }
        let event = envelope.data
        for plan in ServiceNotifications.plan(for: event, tenant: tenant) {
            let dispatch = DispatchRequest(
                dispatchId: MessageID.derived(envelope.id, plan.channel, plan.recipient.address),
                kind: event.kind == .triggered ? .notify : .update,
                event: event.kind, channel: plan.channel, recipient: plan.recipient,
                title: MessageRenderer.title(for: event), body: MessageRenderer.body(for: event),
                severity: event.alert.severity, links: event.alert.links, alert: event.alert)
            guard try DispatchRecords.recordPending(context.db, dispatch, tenant: topicTenant, at: context.now) else { continue }
            try context.publish(Envelope(id: dispatch.dispatchId, source: context.source, tenant: topicTenant, time: context.now, data: dispatch),
                                topic: topics.dispatch(channel: plan.channel, tenant: topicTenant))
            dispatched.increment()
        }
    }

    private func receipt(_ message: MQTTMessage, topicTenant: String, _ context: ProcessingContext) throws {
        let envelope = try Envelope<DeliveryReceipt>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        guard envelope.tenant == topicTenant else {
            tenantMismatches.increment()
            logger.error("refused a receipt whose tenant does not match its topic \(message.topic)")
            return
        }
        try DispatchRecords.apply(context.db, envelope.data, tenant: topicTenant, at: context.now)
    }
}
