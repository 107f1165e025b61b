// Service notifications: a service's own channels (its Slack channel, its webhooks), isolated from
// user preferences and never escalated.
import Config
import Contracts

public struct PlannedDispatch: Sendable, Equatable {
    public var channel: String
    public var recipient: Recipient
}

public enum ServiceNotifications {
    public static func plan(for event: AlertEvent, tenant: Tenant) -> [PlannedDispatch] {
        guard let serviceID = event.alert.service, let service = tenant.service(id: serviceID) else { return [] }
        guard let webhookEvent = WebhookConfig.Event(rawValue: event.kind.rawValue) else { return [] }
        var plans: [PlannedDispatch] = []
        for channel in service.notificationChannels {
            switch channel {
            case .webhook:
                for webhook in service.webhooks(for: webhookEvent) {
                    plans.append(PlannedDispatch(channel: ChannelName.webhook.rawValue,
                                                 recipient: Recipient(kind: .service, service: service.id, address: webhook.id, name: webhook.name)))
                }
            case .slack:
                if let slackChannel = service.slackChannel {
                    plans.append(PlannedDispatch(channel: ChannelName.slack.rawValue,
                                                 recipient: Recipient(kind: .service, service: service.id, address: slackChannel, name: service.name)))
                }
            default:
                // Any other channel name gets its dispatch on its own topic, addressed to the service.
                plans.append(PlannedDispatch(channel: channel.rawValue,
                                             recipient: Recipient(kind: .service, service: service.id, address: service.id, name: service.name)))
            }
        }
        return plans
    }
}
