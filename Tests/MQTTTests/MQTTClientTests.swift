// MQTTClient against a real mosquitto: delivery, ordering, ack-after-commit, outages, sessions, will, sharing.
import Foundation
import Harness
import MQTT
import Testing
import TestSupport

@Suite struct MQTTClientTests {
    @Test func roundTripReportsMessageAndToken() async throws {
        let broker = try MosquittoBroker()
        let inbox = RecordingSink()
        let subscriber = try makeClient(broker, id: "sub", subscriptions: ["alerts/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)
        #expect(inbox.connects == 1)

        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish(MQTTPublish(topic: "alerts/disk", payload: Data("hello".utf8), token: 7))

        #expect(await eventually { inbox.messages.count == 1 })
        #expect(inbox.messages.first == MQTTMessage(topic: "alerts/disk", payload: Data("hello".utf8), retain: false, qos: 1))
        #expect(await eventually { outbox.tokens == [7] })
        #expect(await eventually { publisher.pendingPublishes == 0 })
    }

    @Test func tenThousandMessagesArriveInOrder() async throws {
        let broker = try MosquittoBroker()
        let inbox = RecordingSink()
        let subscriber = try makeClient(broker, id: "bulk-sub", subscriptions: ["bulk/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)

        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "bulk-pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        try await publisher.waitUntilConnected(timeout: 5)
        let count = 10_000
        let started = Date()
        publisher.publish((0..<count).map { MQTTPublish(topic: "bulk/\($0 % 7)", payload: Data("\($0)".utf8), token: Int64($0)) })

        #expect(await eventually(timeout: 30) { outbox.tokens.count >= count })
        let published = Date().timeIntervalSince(started)
        #expect(Set(outbox.tokens) == Set((0..<count).map(Int64.init)))
        #expect(await eventually(timeout: 30) { Set(inbox.payloads).count >= count })
        let received = Date().timeIntervalSince(started)
        #expect(firstArrivals(inbox.payloads) == Array(0..<count))
        // Informational only; never asserted.
        print("MQTT throughput (debug build): \(Int(Double(count) / published)) msg/s acknowledged, "
              + "\(Int(Double(count) / received)) msg/s received")
    }

    @Test func failingSinkIsNotAcknowledgedAndGetsTheMessageAgain() async throws {
        let broker = try MosquittoBroker()
        let inbox = RecordingSink()
        inbox.failNext(2)
        let subscriber = try makeClient(broker, id: "fragile", subscriptions: ["jobs/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)

        let publisher = try makeClient(broker, id: "pub", sink: nil)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish(MQTTPublish(topic: "jobs/1", payload: Data("payload".utf8)))

        // Only a broker that never got the PUBACK redelivers: two refusals, then the third try is stored.
        #expect(await eventually { inbox.messages.count >= 1 })
        #expect(inbox.receiveCalls >= 3)
        #expect(Set(inbox.payloads) == ["payload"])
        // The redelivery can arrive before the SUBACK, so a refused reconnect may never become "connected".
        #expect(await eventually { inbox.connects >= 2 })
    }

    @Test func publishesMadeWhileBrokerIsDownArriveAfterRestart() async throws {
        let broker = try MosquittoBroker()
        let inbox = RecordingSink()
        let subscriber = try makeClient(broker, id: "outage-sub", subscriptions: ["outage/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)
        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "outage-pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        try await publisher.waitUntilConnected(timeout: 5)

        broker.stop()
        #expect(await eventually { !publisher.isConnected && !subscriber.isConnected })
        publisher.publish((0..<100).map { MQTTPublish(topic: "outage/x", payload: Data("\($0)".utf8), token: Int64($0)) })
        #expect(publisher.pendingPublishes == 100)
        #expect(outbox.tokens.isEmpty)

        try broker.restart()
        #expect(await eventually(timeout: 10) { outbox.tokens.count == 100 })
        #expect(outbox.tokens == (0..<100).map(Int64.init))
        #expect(await eventually(timeout: 10) { Set(inbox.payloads).count == 100 })
        #expect(firstArrivals(inbox.payloads) == Array(0..<100))
        #expect(publisher.pendingPublishes == 0)
    }

    @Test func persistentSessionKeepsMessagesWhileSubscriberIsAway() async throws {
        let broker = try MosquittoBroker()
        let first = RecordingSink()
        let away = try makeClient(broker, id: "returning", subscriptions: ["news/#"], sink: first)
        try await away.waitUntilConnected(timeout: 5)
        away.shutdown(timeout: 2)
        #expect(!away.isConnected)

        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish((0..<50).map { MQTTPublish(topic: "news/today", payload: Data("\($0)".utf8), token: Int64($0)) })
        #expect(await eventually { outbox.tokens.count == 50 })

        let second = RecordingSink()
        let back = try makeClient(broker, id: "returning", subscriptions: ["news/#"], sink: second)
        defer { back.shutdown(timeout: 2) }
        #expect(await eventually { Set(second.payloads).count == 50 })
        #expect(firstArrivals(second.payloads) == Array(0..<50))
        #expect(first.messages.isEmpty)
    }

    @Test func statusTopicCarriesOnlineAndLastWill() async throws {
        let broker = try MosquittoBroker()
        let observed = RecordingSink()
        let observer = try makeClient(broker, id: "observer", subscriptions: ["status/#"], sink: observed)
        defer { observer.shutdown(timeout: 2) }
        try await observer.waitUntilConnected(timeout: 5)

        let worker = RecordingSink()
        worker.failNext(1)
        let client = try makeClient(broker, id: "worker", subscriptions: ["work/#"], sink: worker) {
            $0.statusTopic = "status/worker"
            // A long pause before reconnecting leaves the will visible long enough to read it back.
            $0.reconnectDelayMin = 3
            $0.reconnectDelayMax = 3
        }
        defer { client.shutdown(timeout: 2) }
        try await client.waitUntilConnected(timeout: 5)
        #expect(await eventually { observed.payloads == ["online"] })

        // The failing sink makes the worker drop its connection without DISCONNECT: the broker sends the will.
        let publisher = try makeClient(broker, id: "pub", sink: nil)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish(MQTTPublish(topic: "work/1", payload: Data("job".utf8)))
        #expect(await eventually { observed.payloads == ["online", "offline"] })
        let late = RecordingSink()
        let lateObserver = try makeClient(broker, id: "late", subscriptions: ["status/#"], sink: late)
        #expect(await eventually { !late.messages.isEmpty })
        lateObserver.shutdown(timeout: 2)
        #expect(late.messages.first == MQTTMessage(topic: "status/worker", payload: Data("offline".utf8), retain: true, qos: 1))

        #expect(await eventually(timeout: 10) { observed.payloads == ["online", "offline", "online"] })
        #expect(await eventually { worker.payloads == ["job"] })
        client.shutdown(timeout: 2)
        #expect(await eventually { observed.payloads == ["online", "offline", "online", "offline"] })
        let after = RecordingSink()
        let afterObserver = try makeClient(broker, id: "after", subscriptions: ["status/#"], sink: after)
        #expect(await eventually { !after.messages.isEmpty })
        afterObserver.shutdown(timeout: 2)
        #expect(after.messages == [MQTTMessage(topic: "status/worker", payload: Data("offline".utf8), retain: true, qos: 1)])
    }

    @Test func sharedSubscriptionSplitsMessages() async throws {
        let broker = try MosquittoBroker()
        let left = RecordingSink()
        let right = RecordingSink()
        let a = try makeClient(broker, id: "worker-a", subscriptions: ["$share/g/t/#"], sink: left)
        defer { a.shutdown(timeout: 2) }
        let b = try makeClient(broker, id: "worker-b", subscriptions: ["$share/g/t/#"], sink: right)
        defer { b.shutdown(timeout: 2) }
        try await a.waitUntilConnected(timeout: 5)
        try await b.waitUntilConnected(timeout: 5)

        let publisher = try makeClient(broker, id: "pub", sink: nil)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish((0..<200).map { MQTTPublish(topic: "t/\($0 % 3)", payload: Data("\($0)".utf8)) })

        #expect(await eventually { left.messages.count + right.messages.count == 200 })
        #expect(!left.messages.isEmpty)
        #expect(!right.messages.isEmpty)
        #expect(Set(left.payloads + right.payloads).count == 200)
    }

    @Test func shutdownWaitsForEveryAcknowledgement() async throws {
        let broker = try MosquittoBroker()
        let inbox = RecordingSink()
        let subscriber = try makeClient(broker, id: "drain-sub", subscriptions: ["drain/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)

        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "drain-pub", sink: outbox)
        publisher.publish((0..<3000).map { MQTTPublish(topic: "drain/x", payload: Data("\($0)".utf8), token: Int64($0)) })
        publisher.shutdown(timeout: 20)

        #expect(publisher.pendingPublishes == 0)
        #expect(outbox.tokens.count == 3000)
        #expect(await eventually { Set(inbox.payloads).count == 3000 })
    }

    @Test func refusedPublishIsReportedDeliveredAndRefusedSubscriptionDoesNotBlock() async throws {
        let acl = temporaryDirectory("acl").appendingPathComponent("acl")
        try "topic readwrite allowed/#\n".write(to: acl, atomically: true, encoding: .utf8)
        let broker = try MosquittoBroker(extraConfig: ["acl_file \(acl.path)"])
        let inbox = RecordingSink()
        let subscriber = try makeClient(broker, id: "acl-sub", subscriptions: ["allowed/#", "denied/#"], sink: inbox)
        defer { subscriber.shutdown(timeout: 2) }
        try await subscriber.waitUntilConnected(timeout: 5)

        let outbox = RecordingSink()
        let publisher = try makeClient(broker, id: "acl-pub", sink: outbox)
        defer { publisher.shutdown(timeout: 2) }
        publisher.publish([
            MQTTPublish(topic: "denied/x", payload: Data("no".utf8), token: 1),
            MQTTPublish(topic: "allowed/x", payload: Data("yes".utf8), token: 2),
        ])
        #expect(await eventually { outbox.tokens.sorted() == [1, 2] })
        #expect(await eventually { inbox.payloads == ["yes"] })
        #expect(await eventually { publisher.pendingPublishes == 0 })
    }

    @Test func startSucceedsWithoutBrokerAndConnectsLater() async throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let inbox = RecordingSink()
        let client = try makeClient(broker, id: "early", subscriptions: ["late/#"], sink: inbox)
        defer { client.shutdown(timeout: 2) }
        await #expect(throws: MQTTError.self) { try await client.waitUntilConnected(timeout: 0.3) }
        try broker.restart()
        try await client.waitUntilConnected(timeout: 10)
        #expect(inbox.connects == 1)
    }
}
