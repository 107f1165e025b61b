// A person in a tenant's directory: roles, addresses and delivery preferences.
import Contracts

public struct User: Sendable, Equatable, Codable {
    public enum ChannelMode: String, ConfigEnum {
        /// Try the channels in order; the next one only when a delivery finally fails.
        case firstAvailable = "first_available"
        /// Send on every channel at once.
        case all
    }

    public var id: String
    public var name: String
    public var roles: [String]
    public var email: String?
    public var phone: String?
    public var whatsapp: String?
    public var slackUser: String?
    public var pushTopic: String?
    /// As written; nil means the default. Use `effectiveChannels`.
    public var channels: [ChannelName]?
    public var channelMode: ChannelMode
    public var minSeverity: Severity
    /// Applies to incident targeting and routes, never to an escalation step that names the user.
    public var receiveIncidentNotifications: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, roles, email, phone, whatsapp
        case slackUser = "slack_user"
        case pushTopic = "push_topic"
        case channels
        case channelMode = "channel_mode"
        case minSeverity = "min_severity"
        case receiveIncidentNotifications = "receive_incident_notifications"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        roles = try r.list(.roles, default: [])
        email = try r.optional(.email)
        phone = try r.optional(.phone)
        whatsapp = try r.optional(.whatsapp)
        slackUser = try r.optional(.slackUser)
        pushTopic = try r.optional(.pushTopic)
        channels = try r.list(.channels, of: ChannelName.self)
        channelMode = try r.value(.channelMode, default: .firstAvailable)
        minSeverity = try r.optional(.minSeverity, as: ConfigWord<Severity>.self)?.word ?? .info
        receiveIncidentNotifications = try r.value(.receiveIncidentNotifications, default: true)
    }
}
