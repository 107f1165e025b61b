// The thread-safe MQTT client: QoS 1, persistent session, ack-after-commit, reconnect, last will.
internal import CMosquitto
import Foundation
import Logging
import Synchronization

/// One dedicated thread owns the libmosquitto handle (see docs/mqtt.md); every public method may be
/// called from any thread and only talks to that thread through a locked mailbox.
public final class MQTTClient: @unchecked Sendable {
    public let settings: MQTTSettings
    public let subscriptions: [String]
    /// Set before `start()`; the loop thread calls it.
    public weak var sink: MQTTSink?

    private let logger: Logger
    /// The connection that subscribes, and says online and offline.
    private let mailbox = MQTTMailbox()
    /// Where `publish()` goes: `mailbox`, or that of the publishing connection (`MQTTSettings.publishesOnOwnConnection`).
    private let publishMailbox: MQTTMailbox
    /// The loop threads' ends (each signalled once, when its thread returns) and whether a shutdown was asked for.
    private struct Threads {
        var loopFinished: DispatchSemaphore?
        var publisherFinished: DispatchSemaphore?
        var stopRequested = false
    }
    private let threads = Mutex(Threads())

    /// `subscriptions` are QoS 1 topic filters (shared ones such as `$share/group/topic` included),
    /// sent on every connect.
    public init(settings: MQTTSettings, subscriptions: [String], logger: Logger) {
        self.settings = settings
        self.subscriptions = subscriptions
        var logger = logger
        logger[metadataKey: "mqtt_client"] = "\(settings.clientID)"
        self.logger = logger
        publishMailbox = settings.publishesOnOwnConnection ? MQTTMailbox() : mailbox
    }

    deinit {
        // Without a shutdown() the loop still exits: it closes the socket and the broker sends the will.
        let (started, stopping, publishing) = threads.withLock { ($0.loopFinished != nil, $0.stopRequested, $0.publisherFinished != nil) }
        if started && !stopping {
            mailbox.requestStop(deadline: monotonicSeconds())
            if publishing { publishMailbox.requestStop(deadline: monotonicSeconds()) }
        }
    }

    /// Creates the handle and starts the loop thread, which connects in the background and keeps
    /// retrying with backoff: a broker that is down is not an error here, bad settings are.
    public func start() throws {
        try threads.withLock { threads in try start(&threads) }
    }

    private func start(_ threads: inout Threads) throws {
        guard threads.loopFinished == nil else {
            throw MQTTError(code: MOSQ_ERR_INVAL.rawValue, message: "MQTT client \(settings.clientID) already started")
        }
        try validate()
        let main = try makeLoop(settings: settings, subscriptions: subscriptions, logger: logger, mailbox: mailbox)
        var publisher: MQTTLoop?
        if settings.publishesOnOwnConnection {
            let publishing = settings.publishingConnection
            var logger = logger
            logger[metadataKey: "mqtt_client"] = "\(publishing.clientID)"
            let loop = try makeLoop(settings: publishing, subscriptions: [], logger: logger, mailbox: publishMailbox)
            loop.reportsConnected = false
            publisher = loop
        }
        threads.loopFinished = run(main, name: "mqtt \(settings.clientID)")
        if let publisher { threads.publisherFinished = run(publisher, name: "mqtt \(publisher.settings.clientID)") }
        logger.debug("MQTT client started", metadata: ["broker": "\(settings.endpoint)"])
    }

    private func makeLoop(settings: MQTTSettings, subscriptions: [String], logger: Logger, mailbox: MQTTMailbox) throws -> MQTTLoop {
        let wake = try WakeUpPipe()
        let loop = MQTTLoop(settings: settings, subscriptions: subscriptions, logger: logger, mailbox: mailbox, wake: wake)
        loop.sink = sink
        try loop.prepare()
        mailbox.attach(wake)
        return loop
    }

    private func run(_ loop: MQTTLoop, name: String) -> DispatchSemaphore {
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            loop.run()
            finished.signal()
        }
        thread.name = name
        thread.start()
        return finished
    }

    private func validate() throws {
        func invalid(_ message: String) -> MQTTError {
            MQTTError(code: MOSQ_ERR_INVAL.rawValue, message: message)
        }
        guard !settings.host.isEmpty else { throw invalid("empty broker host") }
        guard (1...65535).contains(settings.port) else { throw invalid("broker port \(settings.port) out of range") }
        guard settings.keepAlive == 0 || (5...65535).contains(settings.keepAlive) else {
            throw invalid("keepAlive must be 0 or 5...65535 seconds")
        }
        guard (1...65535).contains(settings.receiveMaximum) else { throw invalid("receiveMaximum must be 1...65535") }
        guard (1...65535).contains(settings.sendMaximum) else { throw invalid("sendMaximum must be 1...65535") }
        guard settings.receiveBatchLimit >= 1 else { throw invalid("receiveBatchLimit must be at least 1") }
        guard !settings.clientID.isEmpty || settings.cleanSession else {
            throw invalid("a persistent session needs a client id")
        }
        for filter in subscriptions + settings.liveSubscriptions {
            try check(mosquitto_sub_topic_check(filter), "subscription \(filter)")
        }
        if let presence = settings.presence {
            guard settings.statusTopic != nil else { throw invalid("a presence needs a status topic") }
            try check(mosquitto_sub_topic_check(presence.rollCallTopic), "roll call topic \(presence.rollCallTopic)")
            try check(mosquitto_pub_topic_check(presence.announcementTopic), "announcement topic \(presence.announcementTopic)")
        }
        if let statusTopic = settings.statusTopic {
            try check(mosquitto_pub_topic_check(statusTopic), "status topic \(statusTopic)")
        }
    }

    /// Queued to the loop thread, in order. Publishes made while disconnected (or before `start()`)
    /// wait and go out after the connect.
    public func publish(_ messages: [MQTTPublish]) {
        publishMailbox.enqueue(messages)
    }

    public func publish(_ message: MQTTPublish) {
        publishMailbox.enqueue(CollectionOfOne(message))
    }

    /// Blocking. Waits until every queued and in-flight publish got its PUBACK (or `timeout` seconds
    /// passed), publishes "offline" retained on the status topic, disconnects cleanly and joins the
    /// loop thread. Messages that arrive meanwhile are still committed through the sink before
    /// being acknowledged, so the sink must stay usable until this returns.
    public func shutdown(timeout: Double) {
        let claimed = threads.withLock { threads -> (DispatchSemaphore, DispatchSemaphore?)? in
            guard let finished = threads.loopFinished, !threads.stopRequested else { return nil }
            threads.stopRequested = true
            return (finished, threads.publisherFinished)
        }
        guard let (finished, publisherFinished) = claimed else { return }
        let deadline = monotonicSeconds() + max(0, timeout)
        // The subscribing connection first: what its last batches publish is still in the publishing one's mailbox,
        // which drains after it.
        mailbox.requestStop(deadline: deadline)
        finished.wait()
        if let publisherFinished {
            publishMailbox.requestStop(deadline: deadline)
            publisherFinished.wait()
        }
        logger.debug("MQTT client stopped")
    }

    /// Connected and subscribed (and the publishing connection connected, if there is one).
    public var isConnected: Bool { mailbox.isConnected && publishMailbox.isConnected }

    /// Publishes not yet acknowledged by the broker: queued plus in flight.
    public var pendingPublishes: Int { publishMailbox.pending }

    /// PUBACKs that said "no matching subscribers" to a publish that needs one, probes of a held topic included: a
    /// count that only grows while a topic waits for its subscriber.
    public var noSubscriberAnswers: Int { publishMailbox.noSubscriberAnswers }

    /// Waits until connected and subscribed; throws after `timeout` seconds.
    public func waitUntilConnected(timeout: Double) async throws {
        let deadline = monotonicSeconds() + timeout
        while !isConnected {
            guard monotonicSeconds() < deadline else {
                throw MQTTError(code: MOSQ_ERR_TIMEOUT.rawValue,
                                message: "not connected to \(settings.endpoint) after \(rounded(timeout))")
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
