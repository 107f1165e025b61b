// Builds the escalator from the common flags: it consumes lifecycle events and owns every escalation timer.
import Config
import Contracts
import Foundation
import ServiceKit

public enum EscalatorService {
    public static let name = "escalator"
    public static let defaultHTTPPort = 8083

    public static func subscriptions(topics: Topics, partition: Partition, config: AlertingConfig) -> [String] {
        if partition.count == 1 { return [topics.eventsFilter] }
        // A partitioned instance subscribes only to its own tenants' events.
        return config.tenants.map(\.id).filter(partition.owns(tenant:)).map { "\(topics.root)/events/\($0)/#" }
    }

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try ServiceRuntime(name: name, options: options, defaultHTTPPort: defaultHTTPPort, migrations: EscalationRecords.migrations,
                           subscriptions: subscriptions)
    }

    /// The book of pending escalations of a runtime, reading the tenants from its live configuration.
    public static func book(_ runtime: ServiceRuntime, rules: EscalationRules) -> EscalationBook {
        let config = runtime.config
        return EscalationBook(store: runtime.store, rules: rules, topics: runtime.topics, source: runtime.source,
                              tenant: { config.current.tenant(id: $0) })
    }

    public static func run(options: ServiceOptions, horizon: TimeInterval = EscalationRules.defaultHorizon,
                           installSignalHandlers: Bool = true) async throws {
        let runtime = try makeRuntime(options: options)
        try await run(runtime, rules: EscalationRules(horizon: horizon), installSignalHandlers: installSignalHandlers)
    }

    public static func run(_ runtime: ServiceRuntime, rules: EscalationRules = EscalationRules(),
                           clock: any EscalationClock = SystemEscalationClock(), installSignalHandlers: Bool = true) async throws {
        let book = book(runtime, rules: rules)
        let loop = TimerLoop(book: book, clock: clock, relay: runtime.relay, health: runtime.health, logger: runtime.logger)
        let processor = EscalationProcessor(book: book, clock: clock, topics: runtime.topics) { [weak loop] due in loop?.wake(for: due) }
        let pruner = HistoryPruner(store: runtime.store, relay: nil, logger: runtime.logger, steps: [
            .rows("resolved alerts' escalations and attention log") { db, before, limit in
                try EscalationRecords.pruneResolved(db, before: before, limit: limit)
            },
        ])
        let config = runtime.config
        try await runtime.run(processor: processor, services: [loop, pruner.periodic { config.current.retention.keepFor.seconds }],
                              installSignalHandlers: installSignalHandlers)
    }
}
