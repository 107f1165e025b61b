// One step of an escalation policy: when it fires, whom it notifies, on which channels.

public struct EscalationStep: Sendable, Equatable, Codable {
    /// Time from the start of the chain (the trigger, or the start of a repeat) to this step.
    public var after: ConfigDuration
    public var targets: [EscalationTarget]
    /// Overrides the users' own channel preferences for this step.
    public var channels: [ChannelName]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case after, targets, channels
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        after = try r.value(.after, default: .zero)
        targets = try r.list(.targets, default: [])
        channels = try r.list(.channels, of: ChannelName.self)
    }
}
