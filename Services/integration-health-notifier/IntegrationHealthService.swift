// Builds the integration-health-notifier from the common flags: what it subscribes to and how it processes.
import Config
import Contracts
import Foundation
import ServiceKit

public enum IntegrationHealthService {
    public static let name = "integration-health-notifier"
    public static let defaultHTTPPort = 8087

    /// Health events and preference changes of the tenants this instance owns, and delivery receipts (a plain
    /// subscription next to the router's: each gets every receipt and keeps those of its own dispatches).
    public static func subscriptions(topics: Topics, partition: Partition, config: AlertingConfig) -> [String] {
        if partition.count == 1 { return [Topics.integrationHealthFilter, Topics.integrationPreferencesFilter, topics.receiptsFilter] }
        return config.tenants.map(\.id).filter(partition.owns(tenant:)).flatMap { tenant in
            ["integrations/health/\(tenant)/#", "integrations/preferences/\(tenant)/+", topics.receipts(tenant: tenant)]
        }
    }

    /// A publisher of dispatches: a channel without a consumer holds its dispatches in the outbox.
    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try ServiceRuntime(name: name, options: options, defaultHTTPPort: defaultHTTPPort, migrations: HealthRecords.migrations,
                           holdsDispatches: true, subscriptions: subscriptions)
    }

    public static func run(_ runtime: ServiceRuntime, clock: (@Sendable () -> Date)? = nil, installSignalHandlers: Bool = true) async throws {
        let processor = IntegrationHealthProcessor(config: runtime.config, topics: runtime.topics, source: runtime.source,
                                                   logger: runtime.logger, clock: clock)
        let config = runtime.config
        let pruner = HistoryPruner(store: runtime.store, relay: nil, logger: runtime.logger, steps: [
            .rows("sent integration notices") { db, before, limit in try HealthRecords.prune(db, before: before, limit: limit) },
        ])
        try await runtime.run(processor: processor, services: [pruner.periodic { config.current.retention.keepFor.seconds }],
                              installSignalHandlers: installSignalHandlers)
    }
}
