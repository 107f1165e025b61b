// Ingest's counters; labels take bounded values only (a reason, an event kind), never an alert id or a tenant.
import Contracts
import Metrics

public struct IngestMetrics: Sendable {
    private let rejected: [RejectionReason: Counter]
    private let events: [AlertEvent.Kind: Counter]
    public let unchanged: Counter

    public init() {
        var rejected: [RejectionReason: Counter] = [:]
        for reason in RejectionReason.allCases {
            rejected[reason] = Counter(label: "alerting_ingest_rejected_total", dimensions: [("reason", reason.rawValue)])
        }
        var events: [AlertEvent.Kind: Counter] = [:]
        for kind in AlertEvent.Kind.allCases {
            events[kind] = Counter(label: "alerting_ingest_alert_events_total", dimensions: [("kind", kind.rawValue)])
        }
        self.rejected = rejected
        self.events = events
        unchanged = Counter(label: "alerting_ingest_commands_unchanged_total")
    }

    public func rejected(_ reason: RejectionReason) { rejected[reason]?.increment() }
    public func event(_ kind: AlertEvent.Kind) { events[kind]?.increment() }
}
