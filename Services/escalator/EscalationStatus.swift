// Where an alert stands in its escalation: the values are generated from JSONTypes.yaml; here is what they mean.

extension EscalationStatus {
    /// No timer of the alert may run any more.
    public var isFinal: Bool { self == .resolved || self == .expired }
}
