// The router as the in-app channel's consumer: other services' in-app dispatches become inbox items.
import Config
import Contracts
import Foundation
import ServiceKit
import MQTT

extension RouterProcessor {
    /// An in-app dispatch from another publisher (the integration-health-notifier) on `dispatch/in_app/{tenant}`:
    /// an inbox item for its user, keyed by the dispatch id (a redelivery adds nothing), the retained snapshot, and a
    /// `delivered` receipt for the sender. The router's own in-app deliveries never travel on the bus.
    func inAppDispatch(_ message: MQTTMessage, channel: String, rest: [String], _ context: ProcessingContext) throws {
        guard channel == ChannelName.inApp.rawValue, rest.count == 1 else { return }
        let topicTenant = rest[0]
        let envelope = try Envelope<DispatchRequest>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        let request = envelope.data
        guard envelope.tenant == topicTenant, request.alert.tenant == topicTenant else { return refuse("an in-app dispatch", message.topic) }
        guard request.kind == .notify, request.channel == channel, let user = request.recipient.user,
              config.current.tenant(id: topicTenant)?.users.contains(where: { $0.id == user }) == true else {
            logger.warning("in-app dispatch \(request.dispatchId) on \(message.topic) names no user of the tenant: dropped")
            return
        }
        let item = InboxItem(id: request.dispatchId, alertId: request.alert.id, title: request.title, body: request.body,
                             severity: request.severity, at: context.now, type: "integration", priority: request.priority,
                             link: request.alert.links.first?.href)
        if try InboxRecords.add(context.db, tenant: topicTenant, user: user, item: item) {
            try publishInbox(tenant: topicTenant, user: user, context)
            RouterMetrics.dispatched(channel: channel)
        }
        let receipt = DeliveryReceipt(dispatchId: request.dispatchId, alertId: request.alert.id, channel: channel, status: .delivered,
                                      attempt: 1, recipient: request.recipient)
        try context.publish(Envelope(id: MessageID.derived(request.dispatchId, "delivered"), source: context.source, tenant: topicTenant,
                                     time: context.now, data: receipt),
                            topic: topics.receipts(tenant: topicTenant))
    }
}
