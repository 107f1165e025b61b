// A routing rule: which alerts it matches, whom and how it notifies, when it escalates.

public struct Route: Sendable, Equatable, Codable {
    public enum Priority: String, ConfigEnum, Comparable {
        case low, normal, high, critical

        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
    }

    public static let defaultEscalateAfter = ConfigDuration.minutes(60)

    public var id: String
    public var match: RouteMatch
    /// Nil: the tenant's incident targeting decides.
    public var targetRoles: [String]?
    /// Nil: the users' own channel preferences.
    public var channels: [ChannelName]?
    public var priority: Priority
    /// Nil: the alert's service's `slack_channel`.
    public var slackChannel: String?
    public var escalateToRole: String?
    /// 60m when `escalate_to_role` is set and this is not.
    public var escalateAfter: ConfigDuration?
    /// Level 2: the tenant's `top_roles`.
    public var escalateToTopAfter: ConfigDuration?
    /// Overrides the tenant's `deadline_escalation.thresholds`.
    public var deadlineThresholds: [Int]?
    public var enabled: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, match
        case targetRoles = "target_roles"
        case channels, priority
        case slackChannel = "slack_channel"
        case escalateToRole = "escalate_to_role"
        case escalateAfter = "escalate_after"
        case escalateToTopAfter = "escalate_to_top_after"
        case deadlineThresholds = "deadline_thresholds"
        case enabled
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        match = try r.value(.match, default: RouteMatch())
        targetRoles = try r.list(.targetRoles, of: String.self)
        channels = try r.list(.channels, of: ChannelName.self)
        priority = try r.value(.priority, default: .normal)
        slackChannel = try r.optional(.slackChannel)
        escalateToRole = try r.optional(.escalateToRole)
        escalateAfter = try r.optional(.escalateAfter)
        if escalateAfter == nil, escalateToRole != nil, !r.has(.escalateAfter) {
            escalateAfter = Self.defaultEscalateAfter
        }
        escalateToTopAfter = try r.optional(.escalateToTopAfter)
        deadlineThresholds = try r.list(.deadlineThresholds, of: Int.self)
        enabled = try r.value(.enabled, default: true)
    }

    /// True when this enabled route applies to an alert of this category and type.
    public func matches(category: String?, type: String?) -> Bool {
        enabled && match.matches(category: category, type: type)
    }
}
