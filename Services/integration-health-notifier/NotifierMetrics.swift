// The notifier's counters: events by kind, notices sent and damped, dispatches, retries, rejections by reason.
import Contracts
import Metrics

public struct NotifierMetrics: Sendable {
    private let rejected: [RejectionReason: Counter]
    let damped = Counter(label: "alerting_integration_notices_damped_total")
    let gated = Counter(label: "alerting_integration_sync_failures_gated_total")
    let retries = Counter(label: "alerting_integration_dispatch_retries_total")
    let retriesExhausted = Counter(label: "alerting_integration_dispatch_retries_exhausted_total")

    public init() {
        var rejected: [RejectionReason: Counter] = [:]
        for reason in RejectionReason.allCases {
            rejected[reason] = Counter(label: "alerting_integration_health_rejected_total", dimensions: [("reason", reason.rawValue)])
        }
        self.rejected = rejected
    }

    func rejected(_ reason: RejectionReason) { rejected[reason]?.increment() }
    func event(_ kind: HealthEventKind) { Counter(label: "alerting_integration_health_events_total", dimensions: [("event", kind.rawValue)]).increment() }
    func notice(_ type: NotificationType) { Counter(label: "alerting_integration_notices_total", dimensions: [("type", type.rawValue)]).increment() }
    func dispatched(channel: String) { Counter(label: "alerting_integration_dispatches_total", dimensions: [("channel", channel)]).increment() }
}
