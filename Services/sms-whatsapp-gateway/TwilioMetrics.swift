// What the SMS and WhatsApp gateway counts beyond GatewayKit's delivery metrics; labels are fixed lists.
import Metrics
import ServiceKit

enum TwilioMetrics {
    /// `alerting_twilio_sms_fallbacks_total`: WhatsApp messages sent by SMS instead.
    static let fallbacks: Counter = { _ = MetricsRegistry.shared; return Counter(label: "alerting_twilio_sms_fallbacks_total") }()
    /// `alerting_twilio_callbacks_total{endpoint,result}`: status callbacks and inbound messages, by what became of them.
    static let callbacks = CounterFamily("alerting_twilio_callbacks_total", dimensions: ["endpoint", "result"])

    static func callback(_ endpoint: String, _ result: String) {
        _ = MetricsRegistry.shared
        callbacks(endpoint, result).increment()
    }
}
