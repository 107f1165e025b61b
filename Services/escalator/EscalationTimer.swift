// One pending escalation of an alert: what fires and when; stored as one indexed row.
import Foundation

public struct EscalationTimer: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case policyStep = "policy_step"
        case routeRole = "route_role"
        case top
        case deadlineThreshold = "deadline_threshold"
        case deadlineNotice = "deadline_notice"
        /// Not a step: the alert expires if nothing else is left by then.
        case expiry
    }

    public var kind: Kind
    /// Policy steps: the pass of the chain (0 first, then each repeat); 0 otherwise.
    public var pass: Int
    /// Policy steps: the step (0-based); deadline thresholds and notices: their position in the list.
    public var index: Int
    public var dueAt: Date

    public init(kind: Kind, pass: Int = 0, index: Int = 0, dueAt: Date) {
        self.kind = kind
        self.pass = pass
        self.index = index
        self.dueAt = dueAt
    }

    /// Unique within the alert; with the alert id it names the step published, so a re-publish keeps its id.
    public var key: String { "\(kind.rawValue)/\(pass)/\(index)" }

    /// Steps count for `next_due_at`; expiry does not.
    public var isStep: Bool { kind != .expiry }
}
