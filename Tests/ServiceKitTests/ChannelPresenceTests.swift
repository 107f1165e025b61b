// Which channels count as consumed: only services heard "online" live since our connect that announced the channel.
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit
import Store
import Testing
import TestSupport

@Test func aChannelIsConsumedOnlyWhileAServiceThatAnnouncedItIsHeardOnline() throws {
    let topics = Topics()
    let store = try Store(path: temporaryDirectory("presence").appendingPathComponent("router.sqlite").path)
    // Never started: what the presence publishes (roll calls) waits in the client's queue, where the test counts it.
    let client = MQTTClient(settings: MQTTSettings(clientID: "presence-test"), subscriptions: [], logger: Logger(label: "test"))
    let relay = OutboxRelay(store: store, client: client, metrics: ServiceMetrics(service: "presence-test"), logger: Logger(label: "test"), retries: HeldWork(),
                            lane: { topics.dispatchChannel(of: $0) ?? "" }, holdsLanes: true)
    let health = HealthState(connected: { true })
    let presence = ChannelPresence(topics: topics, client: client, relay: relay, store: store, health: health,
                                   service: "router", logger: Logger(label: "test"))
    func hear(_ topic: String, _ payload: String) -> Bool {
        presence.observe(MQTTMessage(topic: topic, payload: Data(payload.utf8), qos: 0))
    }
    // Rows of two channels, so both lanes exist.
    relay.send(try store.write { db in
        try ["webhook", "slack"].flatMap { channel in
            try (0..<3).map { _ in try Outbox.enqueue(db, topic: topics.dispatch(channel: channel, tenant: "acme"), payload: Data("{}".utf8),
                                                     lane: channel) }
        }
    })
    #expect(relay.heldLanes == ["slack", "webhook"])

    presence.connected()
    #expect(client.pendingPublishes == 1, "a roll call after connecting")
    #expect(hear("alerting/consumers/webhook-gateway", #"{"service":"webhook-gateway","channels":["webhook"]}"#))
    #expect(!presence.isConsumed("webhook"), "an announcement alone is not a consumer")
    #expect(hear("alerting/status/webhook-gateway", "online"))
    #expect(presence.isConsumed("webhook") && relay.heldLanes == ["slack"])
    #expect(client.pendingPublishes == 4, "the roll call and the webhook lane's 3 rows")

    // An operator's tap, or anything else online that announced nothing, consumes nothing.
    #expect(hear("alerting/status/ops-tap", "online"))
    #expect(!presence.isConsumed("slack"))
    // An announcement under another service's name is ignored.
    #expect(hear("alerting/consumers/mallory", #"{"service":"slack-gateway","channels":["slack"]}"#))
    #expect(hear("alerting/status/mallory", "online"))
    #expect(!presence.isConsumed("slack"))
    #expect(hear("alerting/consumers/slack-gateway", "not json"))
    #expect(!presence.isConsumed("slack"))

    // Offline: held at once, and the roll is called for any other instance of the service.
    #expect(hear("alerting/status/webhook-gateway", "offline"))
    #expect(!presence.isConsumed("webhook") && relay.heldLanes == ["slack", "webhook"])
    #expect(client.pendingPublishes == 5, "one more roll call")
    #expect(hear("alerting/status/webhook-gateway", "online"))
    #expect(presence.isConsumed("webhook"))

    // A reconnect forgets what was heard: held until the consumer answers again.
    presence.connected()
    #expect(!presence.isConsumed("webhook") && client.pendingPublishes == 6)
    #expect(hear("alerting/status/webhook-gateway", "online"))
    #expect(presence.isConsumed("webhook"))
    // A withdrawn announcement (empty retained) ends it.
    #expect(hear("alerting/consumers/webhook-gateway", ""))
    #expect(!presence.isConsumed("webhook"))

    // Anything else is not presence.
    #expect(!hear("alerting/events/acme/a1", "{}"))

    presence.report()
    #expect(health.report.held == ["slack": 3, "webhook": 3])
    #expect(health.report.status == "ok", "a held channel waits for someone else: the router stays healthy")
}
