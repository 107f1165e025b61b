// Counters every service keeps about its bus traffic.
import Metrics
import Store

public struct ServiceMetrics: Sendable {
    public let service: String
    public let received: Counter
    /// Transactions the received messages were committed in: received / batches is the mean batch size.
    public let batches: Counter
    public let published: Counter
    public let poison: Counter
    public let storeFailures: Counter
    /// Publishes the broker had acknowledged, sent again after the publishing connection came back (`ReplayWindow`).
    public let replayed: Counter
    /// Rows and payload bytes kept for the replay window now (`OutboxRelay.reportReplayWindow`, every few seconds).
    public let replayWindowRows: Gauge
    public let replayWindowBytes: Gauge
    /// `alerting_dead_letters_total{direction}`: rows written to the dead_letters table, by `DeadLetters.Direction`.
    private let deadLetters: [DeadLetters.Direction: Counter]

    public init(service: String) {
        _ = MetricsRegistry.shared
        self.service = service
        let dimensions = [("service", service)]
        received = Counter(label: "alerting_messages_received_total", dimensions: dimensions)
        batches = Counter(label: "alerting_message_batches_total", dimensions: dimensions)
        published = Counter(label: "alerting_messages_published_total", dimensions: dimensions)
        poison = Counter(label: "alerting_messages_poison_total", dimensions: dimensions)
        storeFailures = Counter(label: "alerting_store_failures_total", dimensions: dimensions)
        replayed = Counter(label: "alerting_messages_replayed_total", dimensions: dimensions)
        replayed.increment(by: 0)
        replayWindowRows = Gauge(label: "alerting_replay_window_rows", dimensions: dimensions)
        replayWindowBytes = Gauge(label: "alerting_replay_window_bytes", dimensions: dimensions)
        replayWindowRows.record(0)
        replayWindowBytes.record(0)
        // Made for both directions at start, so /metrics shows a 0 rather than nothing until the first dead letter.
        deadLetters = Dictionary(uniqueKeysWithValues: DeadLetters.Direction.allCases.map { direction in
            (direction, Counter(label: "alerting_dead_letters_total", dimensions: dimensions + [("direction", direction.rawValue)]))
        })
    }

    public func deadLettered(_ direction: DeadLetters.Direction) -> Counter {
        deadLetters[direction]!
    }
}
