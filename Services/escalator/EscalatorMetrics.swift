// The escalator's own counters (bounded labels only).
import Metrics
import ServiceKit

public struct EscalatorMetrics: Sendable {
    /// Timers fired (steps, or chains that ended without a step).
    public let fired: Counter
    /// Steps published on the escalations topic.
    public let published: Counter

    public init() {
        _ = MetricsRegistry.shared
        fired = Counter(label: "alerting_escalation_timers_fired_total")
        published = Counter(label: "alerting_escalation_steps_total")
    }
}
