// The router's Prometheus metrics; labels carry only bounded values (channel names from the configuration, statuses).
import Contracts
import Metrics

enum RouterMetrics {
    static func dispatched(channel: String) {
        Counter(label: "router_dispatches_total", dimensions: [("channel", channel)]).increment()
    }

    static func receipt(channel: String, status: String) {
        Counter(label: "router_receipts_total", dimensions: [("channel", channel), ("status", status)]).increment()
    }

    static func failover(channel: String) {
        Counter(label: "router_failovers_total", dimensions: [("channel", channel)]).increment()
    }

    static let undeliverable = Counter(label: "router_undeliverable_total")

    /// Analytics as Prometheus sees them: ack rate = acknowledged / triggered, escalation rate from the steps,
    /// time to acknowledge as a histogram (median and p90 by histogram_quantile).
    static func alertEvent(_ event: AlertEvent) {
        Counter(label: "router_alert_events_total", dimensions: [("kind", event.kind.rawValue)]).increment()
        if event.kind == .acknowledged, let acknowledgedAt = event.alert.acknowledgedAt {
            let seconds = max(0, acknowledgedAt.timeIntervalSince(event.alert.createdAt))
            Timer(label: "router_time_to_acknowledge_seconds").recordNanoseconds(Int64(seconds * 1e9))
        }
    }

    static func escalationStep(_ cause: EscalationCause.Kind) {
        Counter(label: "router_escalation_steps_total", dimensions: [("cause", cause.rawValue)]).increment()
    }
}
