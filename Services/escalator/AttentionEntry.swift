// One line of an alert's attention log: a step taken and whom it named, an ack, a manual escalation, an expiry.
import Contracts
import Foundation

public struct AttentionEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case triggered, step, acknowledged, resolved, manual, noted, expired
    }

    public var at: Date
    public var kind: Kind
    public var level: Int?
    public var cause: EscalationCause?
    public var targets: [EscalationTargetRef]
    public var channels: [String]?
    public var by: String?
    public var reason: String?

    public init(at: Date, kind: Kind, level: Int? = nil, cause: EscalationCause? = nil, targets: [EscalationTargetRef] = [],
                channels: [String]? = nil, by: String? = nil, reason: String? = nil) {
        self.at = at
        self.kind = kind
        self.level = level
        self.cause = cause
        self.targets = targets
        self.channels = channels
        self.by = by
        self.reason = reason
    }
}
