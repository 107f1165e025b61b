// Builds the ingest service from the common flags: what it subscribes to and how it processes.
import Config
import Contracts
import Foundation
import ServiceKit

public enum IngestService {
    public static let name = "ingest"
    public static let defaultHTTPPort = 8081

    public static func subscriptions(topics: Topics, partition: Partition, config: AlertingConfig) -> [String] {
        if partition.count == 1 {
            return [topics.intakeFilter, topics.ackFilter, topics.escalationsFilter]
        }
        // A partitioned instance subscribes only to its own tenants' topics.
        return config.tenants.map(\.id).filter(partition.owns(tenant:)).flatMap { tenant in
            ["\(topics.root)/in/\(tenant)/#", "\(topics.root)/ack/\(tenant)/#", "\(topics.root)/escalations/\(tenant)/#"]
        }
    }

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        // Retain as published: a live retained publish on an intake or ack topic is seen as retained, and refused.
        try ServiceRuntime(name: name, options: options, defaultHTTPPort: defaultHTTPPort, migrations: AlertRecords.migrations,
                           retainAsPublished: true, subscriptions: subscriptions)
    }

    public static func run(options: ServiceOptions, installSignalHandlers: Bool = true) async throws {
        let runtime = try makeRuntime(options: options)
        try await run(runtime, installSignalHandlers: installSignalHandlers)
    }

    public static func run(_ runtime: ServiceRuntime, installSignalHandlers: Bool = true) async throws {
        let processor = IngestProcessor(config: runtime.config, topics: runtime.topics, logger: runtime.logger)
        let sweeper = RetainedStateSweeper(store: runtime.store, relay: runtime.relay, topics: runtime.topics, logger: runtime.logger)
        let sweeping = PeriodicTask(every: RetainedStateSweeper.interval) { sweeper.sweepOnce(now: Date()) }
        let pruner = HistoryPruner(store: runtime.store, relay: nil, logger: runtime.logger, steps: [
            .rows("resolved alerts") { db, before, limit in try AlertRecords.pruneResolved(db, before: before, limit: limit) },
        ])
        let config = runtime.config
        try await runtime.run(processor: processor, services: [sweeping, pruner.periodic { config.current.retention.keepFor.seconds }],
                              installSignalHandlers: installSignalHandlers)
    }
}
