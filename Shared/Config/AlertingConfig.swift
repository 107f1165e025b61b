// The whole configuration file: broker, limits, HTTP, providers, retention and tenants.

public struct AlertingConfig: Sendable, Equatable, Codable {
    public var broker: BrokerConfig
    public var limits: LimitsConfig
    public var http: HTTPConfig
    public var channels: ChannelsConfig
    public var retention: RetentionConfig
    public var tenants: [Tenant]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case broker, limits, http, channels, retention, tenants
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        broker = try r.value(.broker, default: BrokerConfig())
        limits = try r.value(.limits, default: LimitsConfig())
        http = try r.value(.http, default: HTTPConfig())
        channels = try r.value(.channels, default: ChannelsConfig())
        retention = try r.value(.retention, default: RetentionConfig())
        tenants = try r.list(.tenants, default: [])
    }

    public func tenant(id: String) -> Tenant? { tenants.first { $0.id == id } }

    /// The tenant whose Slack workspace this is (interactivity callbacks name the workspace).
    public func tenant(slackTeamID: String) -> Tenant? {
        tenants.first { $0.channels.slack?.teamId == slackTeamID }
    }
}
