// What the escalation rules decide for one event or one due timer: the new state, steps to publish, log lines.
import Contracts
import Foundation

public struct PlannedStep: Sendable, Equatable {
    /// Unique within the alert (the timer's key, or `manual/<event id>`): the published id derives from it.
    public var key: String
    public var step: EscalationStepTaken
}

public struct EscalationOutcome: Sendable, Equatable {
    /// Nil: nothing to keep for this alert.
    public var state: AlertEscalation?
    public var steps: [PlannedStep]
    public var log: [AttentionEntry]

    public init(state: AlertEscalation?, steps: [PlannedStep] = [], log: [AttentionEntry] = []) {
        self.state = state
        self.steps = steps
        self.log = log
    }
}
