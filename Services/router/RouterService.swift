// Builds the router service from the common flags: what it subscribes to and how it processes.
import Config
import Contracts
import Foundation
import ServiceKit
import Store

public enum RouterService {
    public static let name = "router"
    public static let defaultHTTPPort = 8082

    public static let migrations = DispatchRecords.migrations + AlertFacts.migrations + InboxRecords.migrations + ParkedSteps.migrations

    /// Events, escalation steps, receipts, ack commands (for inbox reads), analytics requests and other services'
    /// in-app dispatches of the tenants this instance owns.
    public static func subscriptions(topics: Topics, partition: Partition, config: AlertingConfig) -> [String] {
        if partition.count == 1 {
            return [topics.eventsFilter, topics.escalationsFilter, topics.receiptsFilter, topics.ackFilter, topics.analytics(tenant: "+"),
                    topics.dispatchFilter(channel: ChannelName.inApp.rawValue)]
        }
        return config.tenants.map(\.id).filter(partition.owns(tenant:)).flatMap { tenant in
            [topics.events(tenant: tenant, alertId: "+"), topics.escalations(tenant: tenant, alertId: "+"), topics.receipts(tenant: tenant),
             topics.ack(tenant: tenant, alertId: "#"), topics.analytics(tenant: tenant),
             topics.dispatch(channel: ChannelName.inApp.rawValue, tenant: tenant)]
        }
    }

    /// A publisher of dispatches (each channel held while nobody consumes it) and the in-app channel's consumer.
    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try ServiceRuntime(name: name, options: options, defaultHTTPPort: defaultHTTPPort, migrations: migrations,
                           consumes: [ChannelName.inApp.rawValue], holdsDispatches: true, subscriptions: subscriptions)
    }

    /// - Parameter environment: where provider secrets are looked up (which channels can carry a delivery).
    public static func run(_ runtime: ServiceRuntime, environment: [String: String] = ProcessInfo.processInfo.environment,
                           installSignalHandlers: Bool = true) async throws {
        let processor = RouterProcessor(config: runtime.config, topics: runtime.topics, logger: runtime.logger, environment: environment)
        let config = runtime.config
        let pruner = HistoryPruner(store: runtime.store, relay: runtime.relay, logger: runtime.logger,
                                   steps: RouterHistory.steps(config: config, topics: runtime.topics, source: runtime.source))
        let parked = ParkedStepPruner(store: runtime.store, metrics: runtime.metrics, logger: runtime.logger)
        try await runtime.run(processor: processor, services: [pruner.periodic { config.current.retention.keepFor.seconds },
                                                               PeriodicTask(every: ParkedSteps.pruneInterval) { parked.pruneOnce(now: Date()) }],
                              installSignalHandlers: installSignalHandlers)
    }
}
