// "No matching subscribers" (MQTT v5 PUBACK reason 0x10): a publish that needs a subscriber waits for one.
import Foundation
import Harness
import MQTT
import Testing
import TestSupport

@Suite struct NoSubscriberTests {
    @Test func aPublishThatNeedsASubscriberIsSentAgainUntilOneTakesIt() async throws {
        let broker = try MosquittoBroker()
        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "needs-pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        try await publisher.waitUntilConnected(timeout: 5)

        // Nobody subscribed: the broker answers 0x10. The one that may go nowhere is done; the other one waits.
        publisher.publish(MQTTPublish(topic: "dispatch/webhook/acme", payload: Data("needed".utf8), token: 1, needsSubscriber: true))
        publisher.publish(MQTTPublish(topic: "rejected/acme", payload: Data("optional".utf8), token: 2))
        #expect(await eventually { outbox.tokens == [2] })
        // The held one is probed again (0.5 s later) and refused again: by then it would have been reported if it were.
        #expect(await eventually { publisher.noSubscriberAnswers >= 2 })
        #expect(outbox.tokens == [2], "no subscriber yet: not reported delivered")
        #expect(publisher.pendingPublishes == 1)

        // A shared subscription, as the gateways use, appears: the next attempt reaches it.
        let inbox = RecordingSink()
        let gateway = try makeClient(broker, id: "needs-sub", subscriptions: ["$share/gateways/dispatch/webhook/+"], sink: inbox)
        defer { gateway.shutdown(timeout: 2) }
        try await gateway.waitUntilConnected(timeout: 5)
        #expect(await eventually(timeout: 10) { inbox.payloads == ["needed"] })
        #expect(await eventually { outbox.tokens.sorted() == [1, 2] })
        #expect(publisher.pendingPublishes == 0)
    }

    @Test func manyHeldPublishesArriveInOrderOnceASubscriberComes() async throws {
        let broker = try MosquittoBroker()
        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "held-pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        try await publisher.waitUntilConnected(timeout: 5)
        let count = 200
        publisher.publish((0..<count).map {
            MQTTPublish(topic: "dispatch/slack/acme", payload: Data("\($0)".utf8), token: Int64($0), needsSubscriber: true)
        })
        // Refused, and probed again: refusals are handled in order on the loop thread, so none was reported delivered.
        #expect(await eventually { publisher.noSubscriberAnswers >= 2 })
        #expect(outbox.tokens.isEmpty)
        #expect(publisher.pendingPublishes == count)

        let inbox = RecordingSink()
        let gateway = try makeClient(broker, id: "held-sub", subscriptions: ["$share/slack/dispatch/slack/+"], sink: inbox)
        defer { gateway.shutdown(timeout: 2) }
        try await gateway.waitUntilConnected(timeout: 5)
        #expect(await eventually(timeout: 10) { inbox.payloads.count >= count })
        #expect(inbox.payloads == (0..<count).map { "\($0)" }, "in the order they were published")
        #expect(await eventually { outbox.tokens.count == count })
        #expect(publisher.pendingPublishes == 0)
    }

    @Test func shutdownDoesNotWaitForASubscriberThatIsNotThere() async throws {
        let broker = try MosquittoBroker()
        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "needs-stop", sink: outbox)
        try await publisher.waitUntilConnected(timeout: 5)
        publisher.publish(MQTTPublish(topic: "dispatch/sms/acme", payload: Data("later".utf8), token: 9, needsSubscriber: true))
        #expect(await eventually { publisher.noSubscriberAnswers >= 1 }, "refused: it waits for a subscriber")
        let started = Date()
        publisher.shutdown(timeout: 5)
        #expect(Date().timeIntervalSince(started) < 2, "the waiting publish stays with the caller (its outbox) instead")
        #expect(outbox.tokens.isEmpty)
    }
}

/// What ingest's RetainedStateSweeper relies on: an empty retained publish removes the retained message.
@Test func anEmptyRetainedPublishRemovesTheRetainedMessage() async throws {
    let broker = try MosquittoBroker()
    let outbox = RecordingSink()
    let publisher = try makeClient(broker, id: "retain-pub", sink: outbox)
    defer { publisher.shutdown(timeout: 2) }
    try await publisher.waitUntilConnected(timeout: 5)
    publisher.publish(MQTTPublish(topic: "alerting/alerts/acme/a1", payload: Data("state".utf8), retain: true, token: 1))
    publisher.publish(MQTTPublish(topic: "alerting/alerts/acme/a2", payload: Data("state".utf8), retain: true, token: 2))
    #expect(await eventually { outbox.tokens.sorted() == [1, 2] })
    publisher.publish(MQTTPublish(topic: "alerting/alerts/acme/a1", payload: Data(), retain: true, token: 3))
    #expect(await eventually { outbox.tokens.sorted() == [1, 2, 3] })

    let inbox = RecordingSink()
    let dashboard = try makeClient(broker, id: "retain-sub", subscriptions: ["alerting/alerts/#"], sink: inbox)
    defer { dashboard.shutdown(timeout: 2) }
    try await dashboard.waitUntilConnected(timeout: 5)
    // A barrier: the broker hands a new subscriber the retained messages before anything published after it subscribed.
    publisher.publish(MQTTPublish(topic: "alerting/alerts/acme/marker", payload: Data("marker".utf8), token: 4))
    #expect(await eventually { inbox.messages.contains { $0.topic == "alerting/alerts/acme/marker" } })
    #expect(inbox.messages.map(\.topic) == ["alerting/alerts/acme/a2", "alerting/alerts/acme/marker"],
            "a1's retained state is gone, a2's is still there")
}
