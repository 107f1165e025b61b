// The router's Prometheus metrics; labels carry only bounded values (channel names from the configuration, statuses).
import Contracts
import Metrics
import ServiceKit

enum RouterMetrics {
    private static let dispatches = CounterFamily("alerting_router_dispatches_total", dimensions: ["channel"])
    private static let receipts = CounterFamily("alerting_router_receipts_total", dimensions: ["channel", "status"])
    private static let failovers = CounterFamily("alerting_router_failovers_total", dimensions: ["channel"])
    private static let alertEvents = CounterFamily("alerting_router_alert_events_total", dimensions: ["kind"])
    private static let escalationSteps = CounterFamily("alerting_router_escalation_steps_total", dimensions: ["cause"])
    private static let timeToAcknowledge = Timer(label: "alerting_router_time_to_acknowledge_seconds")

    static func dispatched(channel: String) {
        dispatches(channel).increment()
    }

    static func receipt(channel: String, status: String) {
        receipts(channel, status).increment()
    }

    static func failover(channel: String) {
        failovers(channel).increment()
    }

    static let undeliverable = Counter(label: "alerting_router_undeliverable_total")

    /// Escalation steps that came before their alert's `triggered` event: parked, applied when it came, or expired
    /// to the dead letters after a day.
    static let parkedSteps = Counter(label: "alerting_router_escalation_steps_parked_total")
    static let parkedStepsApplied = Counter(label: "alerting_router_escalation_steps_unparked_total")
    static let parkedStepsExpired = Counter(label: "alerting_router_escalation_steps_parked_expired_total")

    /// Analytics as Prometheus sees them: ack rate = acknowledged / triggered, escalation rate from the steps,
    /// time to acknowledge as a histogram (median and p90 by histogram_quantile).
    static func alertEvent(_ event: AlertEvent) {
        alertEvents(event.kind.rawValue).increment()
        if event.kind == .acknowledged, let acknowledgedAt = event.alert.acknowledgedAt {
            let seconds = max(0, acknowledgedAt.timeIntervalSince(event.alert.createdAt))
            timeToAcknowledge.recordNanoseconds(Int64(seconds * 1e9))
        }
    }

    static func escalationStep(_ cause: EscalationCause.Kind) {
        escalationSteps(cause.rawValue).increment()
    }
}
