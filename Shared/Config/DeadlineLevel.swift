// Whom one level of deadline escalation notifies.

public struct DeadlineLevel: Sendable, Equatable, Codable {
    public var roles: [String]
    /// Overrides the users' own channel preferences at this level.
    public var channels: [ChannelName]?

    public init(roles: [String], channels: [ChannelName]? = nil) {
        self.roles = roles
        self.channels = channels
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case roles, channels
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        roles = try r.list(.roles, default: [])
        channels = try r.list(.channels, of: ChannelName.self)
    }
}
