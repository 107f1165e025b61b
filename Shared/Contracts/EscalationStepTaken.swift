// A due escalation step, escalator → router, ingest and ops, on `alerting/escalations/{tenant}/{alert_id}`.
import Foundation

/// A target as the configuration names it; the router resolves it to people when the step is due.
public struct EscalationTargetRef: Codable, Sendable, Equatable, Hashable {
    public var schedule: String?
    public var team: String?
    public var onlyLead: Bool?
    public var role: String?
    public var user: String?

    public init(schedule: String? = nil, team: String? = nil, onlyLead: Bool? = nil, role: String? = nil, user: String? = nil) {
        self.schedule = schedule
        self.team = team
        self.onlyLead = onlyLead
        self.role = role
        self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case schedule, team, role, user
        case onlyLead = "only_lead"
    }
}

public struct EscalationCause: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case policyStep = "policy_step"
        case routeRole = "route_role"
        case top
        case deadlineThreshold = "deadline_threshold"
        case deadlineNotice = "deadline_notice"
        case manual
    }

    public var kind: Kind
    public var policy: String?
    /// 1-based step number within the policy.
    public var step: Int?
    /// 0 for the first run of the chain.
    public var repeatNumber: Int?
    public var percent: Int?

    public init(kind: Kind, policy: String? = nil, step: Int? = nil, repeatNumber: Int? = nil, percent: Int? = nil) {
        self.kind = kind
        self.policy = policy
        self.step = step
        self.repeatNumber = repeatNumber
        self.percent = percent
    }

    enum CodingKeys: String, CodingKey {
        case kind, policy, step, percent
        case repeatNumber = "repeat"
    }
}

public struct EscalationStepTaken: EnvelopePayload {
    public static let eventType = "alerting.escalation.step"
    /// `channel_mode` of a step sent on every channel of its list the recipient has an address for.
    public static let everyChannel = "all"

    public var alertId: String
    public var level: Int
    public var cause: EscalationCause
    public var targets: [EscalationTargetRef]
    /// Overrides user preferences for this step.
    public var channels: [String]?
    /// `all`: every channel of `channels` the recipient has an address for (a route's escalation pages as the route's
    /// first notification does); absent: the first available, each user's own `channel_mode` applying.
    public var channelMode: String?
    public var reason: String?
    public var by: String?
    public var dueAt: Date
    public var nextDueAt: Date?

    public init(alertId: String, level: Int, cause: EscalationCause, targets: [EscalationTargetRef], channels: [String]? = nil,
                reason: String? = nil, by: String? = nil, dueAt: Date, nextDueAt: Date? = nil, channelMode: String? = nil) {
        self.alertId = alertId
        self.level = level
        self.cause = cause
        self.targets = targets
        self.channels = channels
        self.reason = reason
        self.by = by
        self.dueAt = dueAt
        self.nextDueAt = nextDueAt
        self.channelMode = channelMode
    }

    enum CodingKeys: String, CodingKey {
        case level, cause, targets, channels, reason, by
        case alertId = "alert_id"
        case dueAt = "due_at"
        case nextDueAt = "next_due_at"
        case channelMode = "channel_mode"
    }
}
