// A monitored service: its owners, where its own notifications go, its escalation policy.

public struct ServiceConfig: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Users who own the service (incident targeting `users_with_services`).
    public var owners: [String]
    /// Service notifications: no user preferences, no escalation.
    public var notificationChannels: [ChannelName]
    public var slackChannel: String?
    public var webhooks: [WebhookConfig]
    public var escalationPolicy: String?

    public static let defaultNotificationChannels: [ChannelName] = [.slack, .webhook]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, owners
        case notificationChannels = "notification_channels"
        case slackChannel = "slack_channel"
        case webhooks
        case escalationPolicy = "escalation_policy"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        owners = try r.list(.owners, default: [])
        notificationChannels = try r.list(.notificationChannels, default: Self.defaultNotificationChannels)
        slackChannel = try r.optional(.slackChannel)
        webhooks = try r.list(.webhooks, default: [])
        escalationPolicy = try r.optional(.escalationPolicy)
    }

    public func webhook(id: String) -> WebhookConfig? { webhooks.first { $0.id == id } }

    /// The webhooks that want this event.
    public func webhooks(for event: WebhookConfig.Event) -> [WebhookConfig] {
        webhooks.filter { $0.enabled && $0.events.contains(event) }
    }
}
