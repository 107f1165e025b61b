// A service's publishes are acknowledged whatever its incoming side is doing. On one connection the PUBACKs of its
// publishes queue behind the messages the broker is sending it, so a service with a backlog in front of it (the example
// configuration's router in an open flood) stopped getting its publishes acknowledged and its outbox only grew.
import Foundation
import MQTT
import ServiceKit
import Store
import Synchronization
import Testing
import TestSupport

/// Publishes one outbox row per message; the message "hold" keeps the consumer inside its batch until released.
private final class GatedProcessor: MessageProcessor, @unchecked Sendable {
    let holding = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        let text = String(decoding: message.payload, as: UTF8.self)
        try context.publish(topic: "probe/out/\(text.prefix(16))", payload: message.payload)
        if text == "hold" {
            holding.signal()
            // Bounded, so a failing run ends instead of hanging the suite.
            _ = release.wait(timeout: .now() + 60)
        }
    }
}

@Test(.timeLimit(.minutes(1)))
func aServicesPublishesAreAcknowledgedWhileItsIncomingMessagesWait() async throws {
    let directory = temporaryDirectory("publish-while-consuming")
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9"), in: directory)
    let runtime = try ServiceRuntime(
        name: "probe", options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("probe"), broker: broker),
        defaultHTTPPort: 0, migrations: [], subscriptions: { _, _, _ in ["probe/in/#"] })
    let processor = GatedProcessor()
    let service = InProcessService(runtime: runtime) { try await $0.run(processor: processor, installSignalHandlers: false) }
    try await service.waitUntilConnected()
    let recorder = try BusRecorder(broker: broker, topics: ["probe/out/#"])
    defer { recorder.stop() }
    let publisher = try BusPublisher(broker: broker)
    defer { publisher.stop() }

    // The consumer is held inside a batch, and a backlog of 300 messages queues up in front of it.
    publisher.publish("probe/in/hold", "hold")
    let held = await Task.detached { processor.holding.wait(timeout: .now() + 20) == .success }.value
    try #require(held, "the consumer never got the message that holds it")
    let backlog = (0..<300).map { "backlog-\($0)-" + String(repeating: "x", count: 1000) }
    for text in backlog { publisher.publish("probe/in/backlog", text) }
    try await publisher.flush()

    // Meanwhile the service publishes (as its outbox relay does from any thread): the broker acknowledges it although
    // the service has not read a single message of the backlog yet.
    runtime.client.publish(MQTTPublish(topic: "probe/out/direct", payload: Data("direct".utf8)))
    let deadline = ContinuousClock.now + .seconds(10)
    while runtime.client.pendingPublishes > 0 && ContinuousClock.now < deadline {
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    let acknowledgedWhileHeld = runtime.client.pendingPublishes == 0
    processor.release.signal()
    #expect(acknowledgedWhileHeld, "the publish waited for the consumer to read its incoming messages")

    // Released, everything goes through the real outbox: every message's row is published and acknowledged (and kept
    // for the replay window, `ReplayWindow`).
    try await recorder.wait(timeout: 30, "the backlog's publishes") { $0.count >= backlog.count + 2 }
    let deadlineRows = ContinuousClock.now + .seconds(10)
    while try runtime.store.read({ try Outbox.count($0) }) != runtime.relay.keptForReplay && ContinuousClock.now < deadlineRows {
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    #expect(try runtime.store.read { try Outbox.count($0) } == runtime.relay.keptForReplay)
    #expect(runtime.relay.inClient == 0)
    await service.stop()
}
