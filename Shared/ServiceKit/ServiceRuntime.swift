// Everything a service's main needs, built from the common flags: configuration, store, broker client, HTTP, lifecycle.
import Config
import Contracts
import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Store
import Synchronization

public final class ServiceRuntime: Sendable {
    public let name: String
    public let logger: Logger
    public let config: ConfigStore
    public let store: Store
    public let topics: Topics
    public let partition: Partition
    public let client: MQTTClient
    public let relay: OutboxRelay
    public let health: HealthState
    public let metrics: ServiceMetrics
    public let httpAddress: HTTPAddress
    /// `alerting/{service}`, the CloudEvents `source` of what this service publishes.
    public let source: String
    /// For a publisher of dispatches: which channels have a consumer now (their lanes are held otherwise).
    public let presence: ChannelPresence?

    /// The timer of the service group: retries of failed reads (`BoundedBacklog`).
    public let delayedWork = DelayedWork()

    private struct Lifecycle {
        var group: ServiceGroup?
        var shutdownRequested = false
        var boundPort: Int?
    }
    private let lifecycle = Mutex(Lifecycle())

    /// - Parameters:
    ///   - subscriptions: the topic filters to consume, given the topics, this instance's partition and the configuration.
    ///   - consumes: the channels whose dispatches this service consumes (a gateway): announced on
    ///     `alerting/consumers/{name}` and answered on every roll call (`MQTTPresence`).
    ///   - holdsDispatches: this service publishes dispatches and holds each channel's in its outbox while nobody
    ///     consumes the channel (`ChannelPresence`).
    ///   - retainAsPublished: messages keep the retain flag they were published with (`MQTTSettings.retainAsPublished`).
    public init(name: String, options: ServiceOptions, defaultHTTPPort: Int, migrations: [Migration],
                consumes: [String] = [], holdsDispatches: Bool = false, retainAsPublished: Bool = false,
                subscriptions: (Topics, Partition, AlertingConfig) -> [String]) throws {
        self.name = name
        var logger = Logger(label: "alerting.\(name)")
        logger.logLevel = options.level
        logger[metadataKey: "service"] = .string(name)
        self.logger = logger
        let config = try ConfigStore(path: options.config, logger: logger)
        self.config = config
        let current = config.current
        topics = Topics(root: current.broker.topicRoot)
        partition = options.partition
        source = "alerting/\(name)"
        store = try Store(path: URL(fileURLWithPath: options.dataDir).appendingPathComponent("\(name).sqlite").path,
                          migrations: migrations)
        var settings = try MQTTSettings.parse(url: options.broker ?? current.broker.url,
                                              clientID: options.clientID ?? "alerting-\(name)-\(partition.index)-of-\(partition.count)")
        if settings.tls != nil {
            let tls = current.broker.tls
            settings.tls = MQTTTLS(caFile: options.mqttCAFile ?? tls.caFile, certFile: options.mqttCertFile ?? tls.certFile,
                                   keyFile: options.mqttKeyFile ?? tls.keyFile,
                                   verifyHostname: tls.verifyHostname && !options.mqttNoVerifyHostname)
        }
        settings.retainAsPublished = retainAsPublished
        if let username = options.mqttUsername {
            settings.username = username
            settings.password = ProcessInfo.processInfo.environment["MQTT_PASSWORD"]
        }
        settings.statusTopic = topics.status(service: name)
        if !consumes.isEmpty {
            settings.presence = MQTTPresence(rollCallTopic: topics.rollCall, announcementTopic: topics.consumers(service: name),
                                             announcement: try ConsumerAnnouncement(service: name, channels: consumes).encoded())
        }
        if holdsDispatches {
            settings.liveSubscriptions = ChannelPresence.liveSubscriptions(topics)
        }
        // A service consumes and publishes: its publishes' PUBACKs must not wait behind its backlog of incoming messages.
        settings.publishesOnOwnConnection = true
        client = MQTTClient(settings: settings, subscriptions: subscriptions(topics, partition, current), logger: logger)
        metrics = ServiceMetrics(service: name)
        let client = self.client
        health = HealthState(connected: { client.isConnected })
        let topics = self.topics
        // Each channel's dispatches go out in a lane of their own, held while the channel has no consumer. And should
        // a publish find no subscriber all the same (a consumer that has not subscribed again after a broker restart,
        // whose shared subscription Mosquitto 2.0.11 does not persist), it is sent again until one takes it. The same
        // for events and escalation steps, which the router, the escalator and ingest always consume: after a broker
        // crash that lost its snapshot's sessions, they find no subscriber until those services subscribe again.
        let mustReachConsumer: Set<String> = ["dispatch", "events", "escalations"]
        relay = OutboxRelay(store: store, client: client, metrics: metrics, logger: logger, retries: delayedWork,
                            needsSubscriber: { topics.parse($0).map { mustReachConsumer.contains($0.kind) } ?? false },
                            lane: { topics.dispatchChannel(of: $0) ?? "" }, holdsLanes: holdsDispatches,
                            window: ReplayWindow(seconds: current.broker.replayWindow.seconds, maxRows: current.broker.replayMaxRows,
                                                 maxBytes: current.broker.replayMaxBytes))
        presence = holdsDispatches
            ? ChannelPresence(topics: topics, client: client, relay: relay, store: store, health: health, service: name, logger: logger)
            : nil
        httpAddress = options.http ?? HTTPAddress(host: "127.0.0.1", port: defaultHTTPPort)
    }

    /// The port the HTTP server listens on, once it runs (useful with port 0 in tests).
    public var httpPort: Int? { lifecycle.withLock { $0.boundPort } }

    /// The service group of this runtime, built before it runs: the store's WAL checkpoints, the timer for delayed
    /// work, the configuration watcher and the MQTT loop first, then the service's own parts, the pruners and HTTP
    /// last. A group starts its services in this order and stops them in reverse, so HTTP stops taking callbacks
    /// first and the MQTT loop flushes the outbox after every part that publishes has stopped.
    /// - Parameter services: the service's own long-running parts (every thread it starts belongs to one of them).
    public func serviceGroup(processor: any MessageProcessor, services: [any Service] = [],
                             routes: (HTTPRouter) -> Void = { _ in }, installSignalHandlers: Bool = true) async throws -> ServiceGroup {
        let consumer = DurableConsumer(store: store, processor: processor, relay: relay, health: health,
                                       metrics: metrics, source: source, logger: logger, presence: presence)
        client.sink = consumer
        try relay.republishPending()
        let app = HTTPEndpoint.makeApplication(address: httpAddress, health: health, logger: logger, routes: routes) { [weak self] port in
            self?.lifecycle.withLock { $0.boundPort = port }
        }
        let pruner = InboxPruner(store: store, logger: logger)
        let deadLetterPruner = DeadLetterPruner(store: store, logger: logger)
        let pruning = PeriodicTask(every: InboxPruner.interval) {
            pruner.pruneOnce(now: Date())
            deadLetterPruner.pruneOnce(now: Date())
        }
        let heldReport: [any Service] = presence.map { presence in [PeriodicTask(every: 5) { presence.report() }] } ?? []
        let relay = self.relay
        let replayReport = PeriodicTask(every: 5) { relay.reportReplayWindow() }
        let infrastructure: [any Service] = [
            WALCheckpointService(store: store, logger: logger),
            delayedWork,
            ConfigWatcher(config: config, logger: logger),
            MQTTLoopService(client: client, relay: relay, consumer: consumer, shutdownTimeout: 10),
        ]
        let group = ServiceGroup(services: infrastructure + services + [pruning, replayReport] + heldReport + [app],
                                 gracefulShutdownSignals: installSignalHandlers ? [.sigterm, .sigint] : [],
                                 cancellationSignals: [],
                                 logger: logger)
        let stopAtOnce = lifecycle.withLock { state -> Bool in
            state.group = group
            return state.shutdownRequested
        }
        if stopAtOnce { await group.triggerGracefulShutdown() }
        return group
    }

    /// Runs until SIGTERM/SIGINT or `shutdown()` (see `serviceGroup`).
    public func run(processor: any MessageProcessor, services: [any Service] = [],
                    routes: (HTTPRouter) -> Void = { _ in }, installSignalHandlers: Bool = true) async throws {
        let group = try await serviceGroup(processor: processor, services: services, routes: routes, installSignalHandlers: installSignalHandlers)
        logger.info("\(name) starting (partition \(partition), http \(httpAddress.host):\(httpAddress.port))")
        try await group.run()
        logger.info("\(name) stopped")
    }

    /// Graceful stop: finish the batch in hand, flush the outbox, publish `offline`. Asked before the group is built,
    /// the group stops as soon as it starts.
    public func shutdown() async {
        let group = lifecycle.withLock { state -> ServiceGroup? in
            state.shutdownRequested = true
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }
}
