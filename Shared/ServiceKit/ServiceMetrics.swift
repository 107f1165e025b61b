// Counters every service keeps about its bus traffic.
import Metrics

public struct ServiceMetrics: Sendable {
    public let service: String
    public let received: Counter
    /// Transactions the received messages were committed in: received / batches is the mean batch size.
    public let batches: Counter
    public let published: Counter
    public let poison: Counter
    public let storeFailures: Counter

    public init(service: String) {
        _ = MetricsRegistry.shared
        self.service = service
        let dimensions = [("service", service)]
        received = Counter(label: "alerting_messages_received_total", dimensions: dimensions)
        batches = Counter(label: "alerting_message_batches_total", dimensions: dimensions)
        published = Counter(label: "alerting_messages_published_total", dimensions: dimensions)
        poison = Counter(label: "alerting_messages_poison_total", dimensions: dimensions)
        storeFailures = Counter(label: "alerting_store_failures_total", dimensions: dimensions)
    }
}
