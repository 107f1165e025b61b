// Ingest over a real broker: lifecycle events, retained state, dedup across a restart, acknowledgements and their rejections.
import Contracts
import Foundation
import Ingest
import ServiceKit
import Testing
import TestSupport

private func startIngest(_ config: URL, _ dataDir: URL, _ broker: MosquittoBroker) async throws -> InProcessService {
    let service = InProcessService(runtime: try IngestService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: dataDir, broker: broker, clientID: "ingest-under-test"))) {
        try await IngestService.run($0, installSignalHandlers: false)
    }
    try await service.waitUntilConnected()
    return service
}

private func events(_ recorder: BusRecorder) -> [Envelope<AlertEvent>] {
    recorder.messages(on: "alerting/events/").compactMap { try? Envelope<AlertEvent>.decode($0.payload) }
}

private func rejections(_ recorder: BusRecorder) -> [Rejection] {
    recorder.messages(on: "alerting/rejected/").compactMap { try? Envelope<Rejection>.decode($0.payload).data }
}

@Test(.timeLimit(.minutes(2)))
func ingestOwnsTheLifecycleOverTheBus() async throws {
    let directory = temporaryDirectory("ingest-wiring")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9"), in: directory)
    let dataDir = directory.appendingPathComponent("ingest")
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/events/#", "alerting/alerts/#", "alerting/rejected/#"])
    let publisher = try BusPublisher(broker: broker)
    var ingest = try await startIngest(config, dataDir, broker)

    publisher.publish("alerting/in/acme/plc-7", #"{"dedup_key":"press4","summary":"Press 4 stopped","severity":"critical","service":"press-line"}"#)
    try await recorder.wait { messages in messages.contains { $0.topic.hasPrefix("alerting/events/acme/") } }
    let triggered = try #require(events(recorder).first)
    #expect(triggered.data.kind == .triggered)
    #expect(triggered.data.alert.source == "plc-7", "the topic's source fills a missing source")
    let alertID = triggered.data.alert.id
    try await recorder.wait { $0.contains { $0.topic == "alerting/alerts/acme/\(alertID)" } }

    // Dedup survives a restart: the repeat updates the same alert.
    await ingest.stop()
    ingest = try await startIngest(config, dataDir, broker)
    publisher.publish("alerting/in/acme/plc-7", #"{"dedup_key":"press4","summary":"Press 4 stopped","severity":"critical"}"#)
    try await recorder.wait { _ in events(recorder).count >= 2 }
    #expect(events(recorder)[1].data.kind == .updated)
    #expect(events(recorder)[1].data.alert.id == alertID)
    #expect(events(recorder)[1].data.alert.count == 2)

    // A person acknowledges under their own user name.
    publisher.publish("alerting/ack/acme/\(alertID)/by/bob", #"{"action":"acknowledge"}"#)
    try await recorder.wait { _ in events(recorder).count >= 3 }
    let acknowledged = events(recorder)[2].data
    #expect(acknowledged.kind == .acknowledged && acknowledged.by == "bob" && acknowledged.via == "mqtt")
    #expect(acknowledged.alert.acknowledgedBy == "bob")

    // A read mark is for the router's inbox: ingest neither rejects it nor makes an event of it
    // (the exact lists of rejections and events below would show either).
    publisher.publish("alerting/ack/acme/\(alertID)/by/bob", #"{"action":"read"}"#)
    // Claims that do not hold are refused with a reason.
    publisher.publish("alerting/ack/acme/\(alertID)/by/bob", #"{"action":"resolve","by":"mallory"}"#)
    publisher.publish("alerting/ack/acme/\(alertID)", #"{"action":"resolve","by":"mallory"}"#)
    publisher.publish("alerting/ack/acme/\(alertID)", #"{"action":"escalate","reason":"  "}"#)
    publisher.publish("alerting/ack/globex/\(alertID)", #"{"action":"resolve"}"#)
    try await recorder.wait { _ in rejections(recorder).count >= 4 }
    #expect(rejections(recorder).map(\.reason) == [.forbidden, .unknownUser, .missingReason, .unknownTenant])

    // The device resolves by key; the retained state says resolved.
    publisher.publish("alerting/in/acme/plc-7", #"{"action":"resolve","dedup_key":"press4"}"#)
    try await recorder.wait { _ in events(recorder).count >= 4 }
    #expect(events(recorder)[3].data.kind == .resolved)
    try await recorder.wait { messages in
        messages.filter { $0.topic == "alerting/alerts/acme/\(alertID)" }.last.flatMap { try? Envelope<Alert>.decode($0.payload).data.status } == .resolved
    }
    // Resolving what is not open is refused for native senders.
    publisher.publish("alerting/in/acme/plc-7", #"{"action":"resolve","dedup_key":"press4"}"#)
    try await recorder.wait { _ in rejections(recorder).count >= 5 }
    #expect(rejections(recorder).last?.reason == .unknownAlert)

    // The HTTP side: health and Prometheus metrics with the rejection counters.
    let port = try #require(ingest.runtime.httpPort)
    let health = await HTTPProbe.get("http://127.0.0.1:\(port)/healthz")
    #expect(health.status == 200 && health.body.contains(#""status":"ok""#))
    let metrics = await HTTPProbe.get("http://127.0.0.1:\(port)/metrics")
    #expect(metrics.status == 200)
    #expect(metrics.body.contains(#"alerting_ingest_rejected_total{reason="missing_reason"}"#))
    #expect(metrics.body.contains(#"alerting_ingest_alert_events_total{kind="triggered"}"#))

    let counts = try ingest.runtime.store.read { db in (try AlertRecords.count(db), try AlertRecords.count(db, status: .resolved)) }
    #expect(counts == (1, 1))
    try await publisher.flush()
    publisher.stop()
    // A graceful stop leaves "offline" retained on the status topic.
    let status = try BusRecorder(broker: broker, topics: ["alerting/status/ingest"])
    await ingest.stop()
    try await status.wait(timeout: 10, "offline") { $0.last.map { String(decoding: $0.payload, as: UTF8.self) } == "offline" }
    status.stop()
    recorder.stop()
    broker.stop()
}
