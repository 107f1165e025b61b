// Hostile intake over a real broker: retained messages, over-long fields, a flooding tenant and burnt ack ids are refused
// one by one with their reasons, while good alerts and other tenants go on.
import Contracts
import Foundation
import Ingest
import MQTT
import ServiceKit
import Testing
import TestSupport

private func rejections(_ recorder: BusRecorder) -> [Rejection] {
    recorder.messages(on: "alerting/rejected/").compactMap { try? Envelope<Rejection>.decode($0.payload).data }
}

private func events(_ recorder: BusRecorder) -> [AlertEvent] {
    recorder.messages(on: "alerting/events/").compactMap { try? Envelope<AlertEvent>.decode($0.payload).data }
}

private func startIngest(_ yaml: String, _ directory: URL, _ broker: MosquittoBroker) async throws -> InProcessService {
    let config = try TestConfig.write(yaml, in: directory)
    let service = InProcessService(runtime: try IngestService.makeRuntime(options: try InProcessService.options(
        config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker, clientID: "ingest-hostile"))) {
        try await IngestService.run($0, installSignalHandlers: false)
    }
    try await service.waitUntilConnected()
    return service
}

private let globex = """
  - id: globex
    users:
      - id: gina
        roles: [admin]
        email: gina@globex.example.test
"""

@Test(.timeLimit(.minutes(2)))
func retainedAndOverLongIntakeIsRefusedOneByOneWhileGoodAlertsFlow() async throws {
    let directory = temporaryDirectory("hostile-intake")
    let broker = try MosquittoBroker()
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/events/#", "alerting/rejected/#"])
    let ingest = try await startIngest(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9"), directory, broker)
    let publisher = try BusPublisher(broker: broker)
    func retained(_ topic: String, _ payload: String) {
        publisher.client.publish(MQTTPublish(topic: topic, payload: Data(payload.utf8), retain: true))
    }
    retained("alerting/in/acme/sticky", #"{"summary":"retained alert","dedup_key":"sticky"}"#)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"good one","dedup_key":"good-1"}"#)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"\#(String(repeating: "s", count: 1025))"}"#)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"k","dedup_key":"\#(String(repeating: "k", count: 256))"}"#)
    retained("alerting/ack/acme/some-alert/by/bob", #"{"action":"acknowledge"}"#)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"good two","dedup_key":"good-2"}"#)
    try await publisher.flush()
    try await recorder.wait { _ in rejections(recorder).count >= 4 && events(recorder).count >= 2 }
    let refused = rejections(recorder)
    #expect(refused.map(\.reason) == [.retained, .tooLong, .tooLong, .retained])
    #expect(refused.map(\.field) == [nil, "summary", "dedup_key", nil])
    #expect(refused.map(\.topic) == ["alerting/in/acme/sticky", "alerting/in/acme/plc", "alerting/in/acme/plc", "alerting/ack/acme/some-alert/by/bob"])
    #expect(events(recorder).map(\.alert.dedupKey) == ["good-1", "good-2"])

    // Cleared: a new subscriber gets no retained message on those topics. Its barrier is a retained message on a topic
    // ingest does not read, subscribed after them in the same SUBSCRIBE, so its retained copy comes after theirs.
    let barrier = try BusPublisher(broker: broker)
    barrier.client.publish(MQTTPublish(topic: "test/barrier", payload: Data("b".utf8), retain: true))
    try await barrier.flush()
    let fresh = try BusRecorder(broker: broker, topics: ["alerting/in/acme/sticky", "alerting/ack/acme/some-alert/by/bob", "test/barrier"])
    try await fresh.wait { $0.contains { $0.topic == "test/barrier" } }
    #expect(fresh.messages.filter { $0.topic != "test/barrier" && !$0.payload.isEmpty }.isEmpty)
    #expect(rejections(recorder).count == 4, "ingest's own clearing message is not refused again")
    [recorder, fresh].forEach { $0.stop() }
    [publisher, barrier].forEach { $0.stop() }
    await ingest.stop()
}

@Test(.timeLimit(.minutes(2)))
func aFloodingTenantIsRateLimitedAndAnotherIsNot() async throws {
    let directory = temporaryDirectory("hostile-rate")
    let broker = try MosquittoBroker()
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/events/#", "alerting/rejected/#"])
    // Practically no refill during the test: acme has its burst of 5 and nothing more.
    let yaml = TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9", extraTenants: globex)
        .replacingOccurrences(of: "  max_payload_bytes: 8192\n", with: "  max_payload_bytes: 8192\n  intake_rate_per_tenant: 0.001\n  intake_burst_per_tenant: 5\n")
    let ingest = try await startIngest(yaml, directory, broker)
    let publisher = try BusPublisher(broker: broker)
    for i in 0..<20 { publisher.publish("alerting/in/acme/flood", #"{"summary":"flood","dedup_key":"flood-\#(i)"}"#) }
    for i in 0..<5 { publisher.publish("alerting/in/globex/calm", #"{"summary":"calm","dedup_key":"calm-\#(i)"}"#) }
    try await publisher.flush()
    try await recorder.wait { _ in events(recorder).filter { $0.alert.tenant == "globex" }.count >= 5 }
    try await recorder.wait { _ in rejections(recorder).count >= 15 }
    #expect(events(recorder).filter { $0.alert.tenant == "acme" }.map(\.alert.dedupKey) == (0..<5).map { "flood-\($0)" })
    #expect(events(recorder).filter { $0.alert.tenant == "globex" }.count == 5, "the other tenant is not limited")
    #expect(rejections(recorder).allSatisfy { $0.reason == .rateLimited && $0.topic == "alerting/in/acme/flood" })
    recorder.stop()
    publisher.stop()
    await ingest.stop()
}

@Test(.timeLimit(.minutes(2)))
func nobodyCanBurnAnotherTenantsOrUsersAckIDs() async throws {
    let directory = temporaryDirectory("hostile-ack")
    let broker = try MosquittoBroker()
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/events/#", "alerting/rejected/#"])
    let yaml = TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9", extraTenants: globex)
        .replacingOccurrences(of: "        email: bob@acme.example.test\n",
                              with: "        email: bob@acme.example.test\n      - id: alice\n        email: alice@acme.example.test\n")
    let ingest = try await startIngest(yaml, directory, broker)
    let publisher = try BusPublisher(broker: broker)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"press down","dedup_key":"press"}"#)
    try await recorder.wait { _ in !events(recorder).isEmpty }
    let alertID = events(recorder)[0].alert.id
    // Burn attempts with the id alice will use: another tenant's user, an invalid ack, and bob's own valid ack.
    publisher.publish("alerting/ack/globex/\(alertID)/by/gina", #"{"action":"resolve","id":"ack-1"}"#)
    publisher.publish("alerting/ack/acme/\(alertID)/by/alice", #"{"action":"escalate","id":"ack-1"}"#)
    publisher.publish("alerting/ack/acme/\(alertID)/by/bob", #"{"action":"acknowledge","id":"ack-1"}"#)
    publisher.publish("alerting/ack/acme/\(alertID)/by/alice", #"{"action":"resolve","id":"ack-1"}"#)
    // A repeat of alice's own is still a repeat.
    publisher.publish("alerting/ack/acme/\(alertID)/by/alice", #"{"action":"resolve","id":"ack-1"}"#)
    publisher.publish("alerting/in/acme/plc", #"{"summary":"barrier","dedup_key":"barrier"}"#)
    try await recorder.wait { _ in events(recorder).contains { $0.alert.dedupKey == "barrier" } }
    let kinds = events(recorder).filter { $0.alert.id == alertID }.map { "\($0.kind.rawValue) \($0.by ?? "-")" }
    #expect(kinds == ["triggered -", "acknowledged bob", "resolved alice"])
    #expect(rejections(recorder).map(\.reason) == [.unknownAlert, .missingReason])
    recorder.stop()
    publisher.stop()
    await ingest.stop()
}
