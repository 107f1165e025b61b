// What a gateway counts in /metrics; every label is bounded (service, channel, a fixed list of statuses and failures).
import Metrics
import ServiceKit

public struct GatewayMetrics: Sendable {
    /// `alerting_gateway_deliveries_total{service,channel,status}`: deliveries finished (sent, delivered, failed).
    private let deliveries: CounterFamily
    /// `alerting_gateway_delivery_attempts_total{service,channel,result}`: attempts (delivered, retry, failed).
    private let attempts: CounterFamily
    /// `alerting_gateway_delivery_failures_total{service,channel,type}`: failed attempts by `FailureKind`.
    private let failures: CounterFamily
    /// `alerting_gateway_deliveries_deferred_total{service,channel}`: jobs put back in the table because their destination was
    /// paused or its queue too long (not an attempt).
    private let deferrals: CounterFamily
    public let service: String
    private let durations: [String: Timer]

    public init(service: String, channels: [String]) {
        _ = MetricsRegistry.shared
        self.service = service
        deliveries = CounterFamily("alerting_gateway_deliveries_total", dimensions: ["service", "channel", "status"])
        attempts = CounterFamily("alerting_gateway_delivery_attempts_total", dimensions: ["service", "channel", "result"])
        failures = CounterFamily("alerting_gateway_delivery_failures_total", dimensions: ["service", "channel", "type"])
        deferrals = CounterFamily("alerting_gateway_deliveries_deferred_total", dimensions: ["service", "channel"])
        // `alerting_gateway_delivery_duration_seconds{service,channel}`: each attempt's latency, a histogram.
        durations = Dictionary(uniqueKeysWithValues: channels.map {
            ($0, Timer(label: "alerting_gateway_delivery_duration_seconds", dimensions: [("service", service), ("channel", $0)]))
        })
        // Shown at 0 from the start, so an alert rule on them has a series before the first failure.
        for channel in channels {
            for status in ["sent", "failed"] { deliveries(service, channel, status).increment(by: 0) }
            for kind in FailureKind.allCases { failures(service, channel, kind.rawValue).increment(by: 0) }
        }
    }

    /// Channels not listed at start share one label value, so a stray dispatch cannot grow the label set.
    private func label(_ channel: String) -> String { durations[channel] == nil ? "other" : channel }

    func attempted(channel: String, outcome: AttemptOutcome, seconds: Double) {
        let channel = label(channel)
        durations[channel]?.recordNanoseconds(Int64(seconds * 1e9))
        switch outcome {
        case .delivered: attempts(service, channel, "delivered").increment()
        case .retry(_, _, _, let failure, _):
            attempts(service, channel, "retry").increment()
            failures(service, channel, failure.rawValue).increment()
        case .failed(_, _, let failure):
            attempts(service, channel, "failed").increment()
            failures(service, channel, failure.rawValue).increment()
        }
    }

    func finished(channel: String, status: String) { deliveries(service, label(channel), status).increment() }

    func deferred(channel: String, count: Int = 1) { deferrals(service, label(channel)).increment(by: count) }
}
