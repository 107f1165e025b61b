// Builds and runs a gateway from its provider: a shared subscription to its channels' dispatches, the delivery table,
// the delivery threads and the pruning of finished deliveries.
import Config
import Contracts
import Foundation
import ServiceKit
import ServiceLifecycle
import Store

public enum Gateway {
    /// Gateways hold no per-alert state between messages: instances of one gateway share its topics.
    public static func subscriptions(service: String, channels: [String]) -> (Topics, Partition, AlertingConfig) -> [String] {
        { topics, _, _ in channels.map { Topics.shared(group: service, topics.dispatchFilter(channel: $0)) } }
    }

    /// The runtime of a gateway consuming `channels` (announced on `alerting/consumers/{service}`).
    /// - Parameter migrations: the provider's own tables (a message's reference for later edits, a recipient's last
    ///   inbound message), after the delivery table's.
    public static func makeRuntime(service: String, options: ServiceOptions, defaultHTTPPort: Int, channels: [String],
                                   migrations: [Migration] = []) throws -> ServiceRuntime {
        try ServiceRuntime(name: service, options: options, defaultHTTPPort: defaultHTTPPort, migrations: GatewayRecords.migrations + migrations,
                           consumes: channels, subscriptions: subscriptions(service: service, channels: channels))
    }

    /// Runs until shutdown: dispatches of the provider's channels are stored, delivered and reported.
    /// - Parameters:
    ///   - intake: where the provider's own code submits deliveries it decides on (a fallback), if it does.
    ///   - pruneSteps: the provider's own tables, pruned with the deliveries.
    public static func run<Provider: GatewayProvider>(_ runtime: ServiceRuntime, provider: Provider, settings: GatewaySettings = GatewaySettings(),
                                                      services: [any Service] = [], routes: (HTTPRouter) -> Void = { _ in },
                                                      intake: GatewayIntake? = nil, pruneSteps: [PruneStep] = [],
                                                      installSignalHandlers: Bool = true) async throws {
        let workers = GatewayWorkers(runtime: runtime, provider: provider, settings: settings)
        try workers.loadPending()
        intake?.connect { workers.accept($0) }
        let processor = GatewayProcessor(topics: runtime.topics, channels: provider.channels, logger: runtime.logger) { workers.accept($0) }
        let pruner = HistoryPruner(store: runtime.store, relay: nil, logger: runtime.logger, steps: [
            .rows("finished deliveries") { db, before, limit in try GatewayRecords.pruneFinished(db, before: before, limit: limit) },
        ] + pruneSteps)
        let config = runtime.config
        let pruning = pruner.periodic { GatewayRecords.keptFor(retention: config.current.retention.keepFor.seconds) }
        try await runtime.run(processor: processor, services: [workers, pruning] + services, routes: routes,
                              installSignalHandlers: installSignalHandlers)
    }
}
