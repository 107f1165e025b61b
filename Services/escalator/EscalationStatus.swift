// Where an alert stands in its escalation.

public enum EscalationStatus: String, Codable, Sendable, CaseIterable {
    /// Escalations are scheduled and none has been taken yet.
    case pending
    /// At least one step was taken (automatically or by hand).
    case escalated
    /// Someone acknowledged: policy and route escalation stopped (deadline escalation may continue).
    case acknowledged
    /// Resolved: every pending escalation was cancelled.
    case resolved
    /// Older than the horizon with nobody left to escalate to.
    case expired

    /// No timer of the alert may run any more.
    public var isFinal: Bool { self == .resolved || self == .expired }
}
