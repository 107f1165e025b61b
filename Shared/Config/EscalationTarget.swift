// Whom an escalation step names: a schedule, a team (or its lead), everyone with a role, or one user.

/// Written as a one-key mapping: `{schedule: primary}`, `{team: ops, only_lead: true}`,
/// `{role: admin}` or `{user: alice}`.
public struct EscalationTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, ConfigEnum {
        case schedule, team, role, user
    }

    public var kind: Kind
    /// The schedule, team, role or user name.
    public var id: String
    /// Teams only: notify the lead alone (the whole team when it has no lead).
    public var onlyLead: Bool

    public init(kind: Kind, id: String, onlyLead: Bool = false) {
        self.kind = kind
        self.id = id
        self.onlyLead = onlyLead
    }

    public static func schedule(_ id: String) -> EscalationTarget { .init(kind: .schedule, id: id) }
    public static func team(_ id: String, onlyLead: Bool = false) -> EscalationTarget { .init(kind: .team, id: id, onlyLead: onlyLead) }
    public static func role(_ id: String) -> EscalationTarget { .init(kind: .role, id: id) }
    public static func user(_ id: String) -> EscalationTarget { .init(kind: .user, id: id) }

    public var description: String { onlyLead ? "\(kind.rawValue) \(id) (lead only)" : "\(kind.rawValue) \(id)" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schedule, team, role, user
        case onlyLead = "only_lead"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        let written: [(Kind, String)] = try Kind.allCases.compactMap { kind in
            let key = CodingKeys(rawValue: kind.rawValue)!
            return try r.optional(key, as: String.self).map { (kind, $0) }
        }
        onlyLead = try r.value(.onlyLead, default: false)
        guard written.count == 1, let (kind, id) = written.first else {
            let message = "a target names exactly one of schedule, team, role or user"
            let error = ConfigError(path: ConfigPath.string(decoder.codingPath), code: .invalidValue, message: message)
            guard let issues = decoder.userInfo[.configIssues] as? DecodeIssues else { throw error }
            issues.record(error)
            (self.kind, self.id) = written.first ?? (.user, "")
            return
        }
        self.kind = kind
        self.id = id
        if onlyLead && kind != .team {
            try r.report(.onlyLead, "only_lead applies to team targets only")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: CodingKeys(rawValue: kind.rawValue)!)
        if onlyLead { try container.encode(true, forKey: .onlyLead) }
    }
}
