// Which channels have a consumer right now, as heard live on the bus; holds and releases the outbox lanes of dispatches.
import Contracts
import Foundation
import Logging
import Metrics
import MQTT
import Store
import Synchronization

/// A channel is consumed while a service that announced it (`ConsumerAnnouncement` on `alerting/consumers/{service}`)
/// has been heard "online" on `alerting/status/{service}` since our own connect, and not "offline" since. Both topics
/// are subscribed live (`MQTTSettings.liveSubscriptions`): no retained copy and nothing queued while we were away
/// counts, because either may be stale (a consumer that died while the broker was down leaves its retained "online",
/// and a broker restarted from its snapshot has forgotten the consumers' shared subscriptions). So after every connect
/// every channel is held and we call the roll; consumers answer once their subscriptions are in place. A wildcard
/// subscriber (an operator's `mosquitto_sub -t '#'`) announces nothing, so it never makes a channel look consumed.
public final class ChannelPresence: Sendable {
    private struct State {
        /// What each service announced it consumes.
        var channelsOf: [String: Set<String>] = [:]
        /// Services heard "online" since our connect (and not "offline" since).
        var online: Set<String> = []
        var consumed: Set<String> = []
        /// Held lanes already reported as waiting with messages (one warning per held spell).
        var warned: Set<String> = []
    }
    private let state = Mutex(State())
    private let topics: Topics
    private let client: MQTTClient
    private let relay: OutboxRelay
    private let store: Store
    private let health: HealthState
    private let service: String
    private let logger: Logger

    public init(topics: Topics, client: MQTTClient, relay: OutboxRelay, store: Store, health: HealthState,
                service: String, logger: Logger) {
        self.topics = topics
        self.client = client
        self.relay = relay
        self.store = store
        self.health = health
        self.service = service
        self.logger = logger
    }

    /// The live subscriptions a publisher of dispatches needs.
    public static func liveSubscriptions(_ topics: Topics) -> [String] { [topics.statusFilter, topics.consumersFilter] }

    /// Whether a channel has a consumer now.
    public func isConsumed(_ channel: String) -> Bool { state.withLock { $0.consumed.contains(channel) } }

    /// After each (re)connect: hold everything until the consumers answer the roll call.
    public func connected() {
        let wasConsumed = state.withLock { !$0.consumed.isEmpty }
        update { $0.online = [] }
        if wasConsumed {
            logger.info("reconnected: dispatches are held until their consumers answer the roll call")
        }
        callRoll()
    }

    /// Takes a status or consumer announcement; false for any other message.
    public func observe(_ message: MQTTMessage) -> Bool {
        guard let parsed = topics.parse(message.topic), parsed.rest.isEmpty else { return false }
        let name = parsed.tenant
        switch parsed.kind {
        case "status":
            if message.payload.elementsEqual("online".utf8) {
                update { $0.online.insert(name) }
            } else {
                let consumer = state.withLock { $0.channelsOf[name].map { !$0.isEmpty } ?? false }
                update { $0.online.remove(name) }
                // Another instance of the same service may still be there: it answers the roll call.
                if consumer { callRoll() }
            }
        case "consumers":
            guard !message.payload.isEmpty else {
                update { $0.channelsOf[name] = nil }
                return true
            }
            guard let announcement = try? ConsumerAnnouncement.decode(message.payload), announcement.service == name else {
                logger.warning("ignored a consumer announcement that does not name its own service", metadata: ["topic": "\(message.topic)"])
                return true
            }
            update { $0.channelsOf[name] = Set(announcement.channels) }
        default:
            return false
        }
        return true
    }

    private func callRoll() {
        client.publish(MQTTPublish(topic: topics.rollCall, payload: Data(), qos: 0))
    }

    /// Applies a change and holds or releases the lanes whose channel changed. Called on the MQTT loop thread only,
    /// so the relay sees the changes in the order they were heard.
    private func update(_ change: (inout State) -> Void) {
        let (released, held, by) = state.withLock { state -> (Set<String>, Set<String>, [String: String]) in
            change(&state)
            var consumed = Set<String>()
            var by: [String: String] = [:]
            for service in state.online.sorted() {
                for channel in state.channelsOf[service] ?? [] where by[channel] == nil {
                    consumed.insert(channel)
                    by[channel] = service
                }
            }
            let released = consumed.subtracting(state.consumed)
            let held = state.consumed.subtracting(consumed)
            state.consumed = consumed
            return (released, held, by)
        }
        for channel in held.sorted() {
            relay.hold(lane: channel)
        }
        for channel in released.sorted() {
            relay.release(lane: channel)
            let warned = state.withLock { $0.warned.remove(channel) != nil }
            if warned {
                logger.notice("channel \(channel) has a consumer again (\(by[channel] ?? "?")): sending what was held")
            }
        }
    }

    /// Counts what each held lane holds (an index-only count per held lane) for /metrics and /healthz, and warns once
    /// per held spell about a lane with messages waiting. Run now and then (`PeriodicTask`).
    public func report() {
        let held = relay.heldLanes
        var counts: [String: Int] = [:]
        do {
            try store.read { db in
                for lane in held { counts[lane] = try Outbox.count(db, lane: lane) }
            }
        } catch {
            logger.error("could not count held dispatches: \(error)")
            return
        }
        for (lane, count) in counts {
            Gauge(label: "alerting_dispatches_held", dimensions: [("service", service), ("channel", lane)]).record(count)
        }
        let newlyWaiting = state.withLock { state -> [String] in
            let waiting = counts.filter { $0.value > 0 }.map(\.key).filter { !state.warned.contains($0) }
            state.warned.formUnion(waiting)
            return waiting.sorted()
        }
        for lane in newlyWaiting {
            logger.warning("channel \(lane) has no consumer: its dispatches are held in the outbox until one announces itself",
                           metadata: ["held": "\(counts[lane] ?? 0)"])
        }
        let consumed = state.withLock { $0.consumed }
        for lane in consumed {
            Gauge(label: "alerting_dispatches_held", dimensions: [("service", service), ("channel", lane)]).record(0)
        }
        health.setHeld(counts.filter { $0.value > 0 })
    }
}
