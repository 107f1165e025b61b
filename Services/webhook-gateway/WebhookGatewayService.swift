// Builds the webhook gateway from the common flags: a shared subscription to webhook dispatches, delivery threads.
import Config
import Contracts
import HTTPClient
import ServiceKit

public enum WebhookGatewayService {
    public static let name = "webhook-gateway"
    public static let defaultHTTPPort = 8085
    /// The channel whose dispatches this gateway delivers (Teams, Google Chat and Discord are webhook types).
    public static let channel = "webhook"

    /// Gateways hold no per-alert state between messages: instances share the topic.
    public static func subscriptions(topics: Topics, partition: Partition, config: AlertingConfig) -> [String] {
        [Topics.shared(group: name, topics.dispatchFilter(channel: channel))]
    }

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try ServiceRuntime(name: name, options: options, defaultHTTPPort: defaultHTTPPort, migrations: DeliveryRecords.migrations,
                           consumes: [channel], subscriptions: subscriptions)
    }

    /// - Parameter memoryLimit: delivery jobs held in memory at most; the others wait in the table (`DeliveryWorkers`).
    public static func run(_ runtime: ServiceRuntime, delivery: WebhookDelivery = WebhookDelivery(), threads: Int = 8,
                           memoryLimit: Int = 1000, installSignalHandlers: Bool = true) async throws {
        let workers = DeliveryWorkers(runtime: runtime, delivery: delivery, threads: threads, memoryLimit: memoryLimit)
        try workers.loadPending()
        let processor = WebhookGatewayProcessor(topics: runtime.topics, logger: runtime.logger) { workers.accept($0) }
        let pruner = HistoryPruner(store: runtime.store, relay: nil, logger: runtime.logger, steps: [
            .rows("finished deliveries") { db, before, limit in try DeliveryRecords.pruneFinished(db, before: before, limit: limit) },
        ])
        let config = runtime.config
        let pruning = pruner.periodic { DeliveryRecords.keptFor(retention: config.current.retention.keepFor.seconds) }
        try await runtime.run(processor: processor, services: [workers, pruning], installSignalHandlers: installSignalHandlers)
    }
}
