// The router over a real broker: events become dispatches on their channel topics, receipts update the audit log,
// and a message whose tenant does not match its topic is refused.
import Config
import Contracts
import Foundation
import Harness
import Router
import ServiceKit
import Testing
import TestSupport

@Test(.timeLimit(.minutes(2)))
func routerDispatchesAndAuditsOverTheBus() async throws {
    let directory = temporaryDirectory("router-wiring")
    let broker = try MosquittoBroker()
    let globex = """
          - id: globex
            users:
              - id: gina
                roles: [admin]
                email: gina@globex.example.test
            services:
              - id: press-line
                notification_channels: [webhook]
                webhooks:
                  - id: globex-hook
                    type: generic
                    url: http://127.0.0.1:9/globex
        """
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9", extraTenants: globex), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#"], consuming: BusRecorder.everyChannel)
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()

    let alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .critical, summary: "Press 4 stopped", service: "press-line",
                      createdAt: Date())
    let triggered = Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: alert))
    publisher.publish("alerting/events/acme/a1", try triggered.encoded())
    // The same event again (a redelivery): dropped by the inbox.
    publisher.publish("alerting/events/acme/a1", try triggered.encoded())
    // An acme alert published under globex's topic: refused.
    let forged = Envelope(source: "alerting/ingest", tenant: "globex", data: AlertEvent(kind: .triggered, alert: alert))
    publisher.publish("alerting/events/globex/a1", try forged.encoded())
    // globex's own alert goes to globex's webhook only.
    var globexAlert = alert
    globexAlert.id = "g1"
    globexAlert.tenant = "globex"
    publisher.publish("alerting/events/globex/g1",
                      try Envelope(source: "alerting/ingest", tenant: "globex", data: AlertEvent(kind: .triggered, alert: globexAlert)).encoded())
    try await publisher.flush()
    // globex's alert came last, and the router takes its input and publishes its dispatches in order: once its
    // dispatch is out, any duplicate or forgery published before it would be out too.
    func decoded() -> [(String, Envelope<DispatchRequest>)] {
        recorder.messages.compactMap { message in (try? Envelope<DispatchRequest>.decode(message.payload)).map { (message.topic, $0) } }
    }
    try await recorder.wait { _ in decoded().contains { $0.1.data.alert.id == "g1" } }

    let dispatches = decoded()
    #expect(dispatches.count == 2, "one for acme's enabled webhook, one for globex's: no duplicate, nothing across tenants")
    let acme = try #require(dispatches.first { $0.0 == "alerting/dispatch/webhook/acme" })
    #expect(acme.1.data.recipient.address == "receiver" && acme.1.data.kind == .notify && acme.1.data.alert.id == "a1")
    #expect(acme.1.id == acme.1.data.dispatchId)
    let other = try #require(dispatches.first { $0.0 == "alerting/dispatch/webhook/globex" })
    #expect(other.1.data.recipient.address == "globex-hook" && other.1.data.alert.tenant == "globex")

    // A receipt moves the audit log forward; a late "sent" does not move it back.
    let dispatchID = acme.1.data.dispatchId
    for status in [DeliveryReceipt.Status.delivered, .sent] {
        let receipt = DeliveryReceipt(dispatchId: dispatchID, alertId: "a1", channel: "webhook", status: status, attempt: 1, httpStatus: 200)
        publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/webhook-gateway", tenant: "acme", data: receipt).encoded())
    }
    // A barrier: a receipt for globex's dispatch, published after those two, applied.
    let globexID = other.1.data.dispatchId
    publisher.publish("alerting/receipts/globex", try Envelope(source: "alerting/webhook-gateway", tenant: "globex", data: DeliveryReceipt(
        dispatchId: globexID, alertId: other.1.data.alert.id, channel: "webhook", status: .sent, attempt: 1)).encoded())
    try await publisher.flush()
    func globexStatus() throws -> String? {
        try router.runtime.store.read { try DispatchRecords.row($0, dispatchId: globexID, tenant: "globex") }?.status
    }
    try #require(try await eventually { try globexStatus() == "sent" }, "the barrier receipt applied")
    var rows = try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }
    // bob owns the service but no e-mail provider is configured: recorded as undeliverable, not silently skipped.
    #expect(rows.map(\.status).sorted() == ["delivered", "undeliverable"])
    rows = rows.filter { $0.channel == "webhook" }
    #expect(rows.count == 1)
    #expect(rows.first?.status == "delivered")

    // A gateway's batch of receipts is applied receipt by receipt; the same batch id again is dropped, whatever it says.
    func batch(_ status: DeliveryReceipt.Status) throws -> Data {
        let receipts = DeliveryReceipts(receipts: [
            DeliveryReceipt(dispatchId: globexID, alertId: other.1.data.alert.id, channel: "webhook", status: status, attempt: 1),
            DeliveryReceipt(dispatchId: "not-a-dispatch", alertId: "x", channel: "webhook", status: .failed, attempt: 1),
        ])
        return try Envelope(id: "batch-1", source: "alerting/webhook-gateway", tenant: "globex", data: receipts).encoded()
    }
    publisher.publish("alerting/receipts/globex", try batch(.delivered))
    publisher.publish("alerting/receipts/globex", try batch(.read))
    // A barrier: acme's dispatch read, published after the repeated batch.
    publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/webhook-gateway", tenant: "acme", data: DeliveryReceipt(
        dispatchId: dispatchID, alertId: "a1", channel: "webhook", status: .read, attempt: 1)).encoded())
    try await publisher.flush()
    try #require(try await eventually {
        try router.runtime.store.read { try DispatchRecords.row($0, dispatchId: dispatchID, tenant: "acme") }?.status == "read"
    }, "the barrier receipt applied")
    #expect(try globexStatus() == "delivered", "the repeated batch (same id) was dropped")

    // Analytics as Prometheus metrics, with bounded labels only.
    let port = try #require(router.runtime.httpPort)
    let metrics = await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body
    #expect(metrics.contains(#"alerting_router_alert_events_total{kind="triggered"}"#))
    #expect(metrics.contains(#"alerting_router_dispatches_total{channel="webhook"}"#))
    #expect(metrics.contains(#"alerting_router_receipts_total{channel="webhook",status="delivered"} 2"#), "acme's single receipt and globex's in the batch")
    #expect(!metrics.contains("a1"), "no alert id in any label")

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}
