// Two tenants with the same names inside: an alert of one never reaches the other's users, services or channels,
// and forged messages (an event, an escalation step, a receipt under the wrong tenant) change nothing.
import Config
import Contracts
import Foundation
import Harness
import Router
import ServiceKit
import Testing
import TestSupport

private func tenant(_ id: String) -> String {
    """
      - id: \(id)
        users:
          - {id: ann, roles: [admin], email: ann@\(id).example.test, phone: "+1555000\(id.count)", channels: [email, sms], channel_mode: all}
        services:
          - {id: web, owners: [ann], notification_channels: [webhook], webhooks: [{id: \(id)-hook, url: "http://127.0.0.1:9/\(id)"}]}
        routes:
          - {id: all, match: {}, target_roles: [admin], channels: [email, sms]}
    """
}

@Test(.timeLimit(.minutes(2)))
func noDispatchCrossesTenants() async throws {
    let directory = temporaryDirectory("router-tenants")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write("""
        channels:
          twilio: {sms_from: "+15005550006"}
          email: {from: "alerts@example.test"}
        tenants:
        \(tenant("acme"))
        \(tenant("globex"))
        """, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#"], consuming: BusRecorder.everyChannel)
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()

    for id in ["acme", "globex"] {
        let alert = Alert(id: "\(id)-1", tenant: id, dedupKey: "k", severity: .critical, summary: "down", service: "web", createdAt: Date())
        publisher.publish("alerting/events/\(id)/\(id)-1",
                          try Envelope(source: "alerting/ingest", tenant: id, data: AlertEvent(kind: .triggered, alert: alert)).encoded())
    }
    // Forgeries: acme's alert under globex's topic, a globex step naming acme's alert, a receipt for acme's dispatch under globex.
    let acmeAlert = Alert(id: "acme-2", tenant: "acme", dedupKey: "k2", severity: .critical, summary: "x", service: "web", createdAt: Date())
    publisher.publish("alerting/events/globex/acme-2",
                      try Envelope(source: "alerting/ingest", tenant: "globex", data: AlertEvent(kind: .triggered, alert: acmeAlert)).encoded())
    let step = EscalationStepTaken(alertId: "acme-1", level: 1, cause: EscalationCause(kind: .manual), targets: [EscalationTargetRef(user: "ann")],
                                   dueAt: Date())
    publisher.publish("alerting/escalations/globex/acme-1", try Envelope(source: "alerting/escalator", tenant: "globex", data: step).encoded())
    // A barrier: the router takes its input in the order it was published, so once a later alert's dispatches are
    // out, whatever the forgeries could have caused would be out too.
    let marker = Alert(id: "globex-marker", tenant: "globex", dedupKey: "marker", severity: .critical, summary: "marker", service: "web",
                       createdAt: Date())
    publisher.publish("alerting/events/globex/globex-marker",
                      try Envelope(source: "alerting/ingest", tenant: "globex", data: AlertEvent(kind: .triggered, alert: marker)).encoded())
    try await publisher.flush()
    func decoded() -> [(String, Envelope<DispatchRequest>)] {
        recorder.messages.compactMap { message in (try? Envelope<DispatchRequest>.decode(message.payload)).map { (message.topic, $0) } }
    }
    try await recorder.wait { _ in decoded().filter { $0.1.data.alert.id == "globex-marker" }.count >= 3 }

    let all = decoded().filter { $0.1.data.alert.id != "globex-marker" }
    #expect(all.count == 6, "per tenant: e-mail and SMS to ann, and the service's webhook")
    for (topic, envelope) in all {
        let owner = String(topic.split(separator: "/").last!)
        #expect(envelope.tenant == owner && envelope.data.alert.tenant == owner)
        #expect(envelope.data.alert.id == "\(owner)-1")
        #expect(envelope.data.recipient.address.contains(owner) || envelope.data.recipient.address.hasPrefix("+1555000"),
                "\(envelope.data.recipient.address) belongs to \(owner)")
        if envelope.data.recipient.kind == .service { #expect(envelope.data.recipient.address == "\(owner)-hook") }
    }

    let acmeEmail = try #require(all.first { $0.0 == "alerting/dispatch/email/acme" }?.1.data)
    publisher.publish("alerting/receipts/globex", try Envelope(source: "alerting/gw", tenant: "globex", data: DeliveryReceipt(
        dispatchId: acmeEmail.dispatchId, alertId: "acme-1", channel: "email", status: .failed, attempt: 1)).encoded())
    // A barrier: a receipt of globex's own, published after the forgery, applied.
    let globexEmail = try #require(all.first { $0.0 == "alerting/dispatch/email/globex" }?.1.data)
    publisher.publish("alerting/receipts/globex", try Envelope(source: "alerting/gw", tenant: "globex", data: DeliveryReceipt(
        dispatchId: globexEmail.dispatchId, alertId: "globex-1", channel: "email", status: .sent, attempt: 1)).encoded())
    try await publisher.flush()
    try #require(try await eventually {
        try router.runtime.store.read { try DispatchRecords.row($0, dispatchId: globexEmail.dispatchId, tenant: "globex") }?.status == "sent"
    }, "globex's own receipt applied")
    let row = try router.runtime.store.read { try DispatchRecords.row($0, dispatchId: acmeEmail.dispatchId, tenant: "acme") }
    #expect(row?.status == "pending", "globex's receipt cannot touch acme's audit log")
    #expect(try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: "globex", alertId: "acme-2") }.isEmpty)

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}
