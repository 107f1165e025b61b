// An escalation step the escalator found due. Its fields, and those of `EscalationCause` and `EscalationTargetRef`, are
// generated from docs/asyncapi.yaml (docs/contracts.md).
extension EscalationStepTaken {
    /// `channel_mode` of a step sent on every channel of its list the recipient has an address for.
    public static let everyChannel = "all"
}
