// The router's whole flow over a real broker: routes and targeting to channel topics with signed action tokens,
// the in-app inbox and its read command, failover after a failed receipt, updates carrying the provider's
// reference, escalation steps resolved when due, analytics on request, and the audit log of it all.
import Config
import Contracts
import Directory
import Foundation
import Harness
import Router
import ServiceKit
import Testing
import TestSupport

private let flowConfig = """
    broker:
      url: mqtt://127.0.0.1:1883
    http:
      public_base_url: https://alerts.example.test
      action_token_secret_env: ROUTER_FLOW_TEST_SECRET
    channels:
      twilio: {sms_from: "+15005550006"}
      email: {from: "alerts@example.test"}
    tenants:
      - id: acme
        users:
          - {id: alice, roles: [admin], email: alice@acme.example.test, phone: "+15550001"}
          - {id: bob, roles: [ops], email: bob@acme.example.test, phone: "+15550002", channels: [sms, email]}
          - {id: vic, roles: [viewer], email: vic@acme.example.test}
        services:
          - {id: press-line, owners: [bob], notification_channels: []}
        routes:
          - {id: finance, match: {category: finance}, target_roles: [admin], channels: [in_app, email], priority: high}
    """

private func event(_ kind: AlertEvent.Kind, _ alert: Alert, by: String? = nil) throws -> Data {
    try Envelope(source: "alerting/ingest", tenant: alert.tenant, data: AlertEvent(kind: kind, alert: alert, by: by)).encoded()
}

private func dispatches(_ recorder: BusRecorder) -> [(topic: String, request: DispatchRequest)] {
    recorder.messages(on: "alerting/dispatch/").compactMap { message in
        (try? Envelope<DispatchRequest>.decode(message.payload)).map { (message.topic, $0.data) }
    }
}

@Test(.timeLimit(.minutes(2)))
func routerFlowOverTheBus() async throws {
    let directory = temporaryDirectory("router-flow")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write(flowConfig, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#", "alerting/inbox/#", "test/replies/#"], consuming: BusRecorder.everyChannel)
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        // The secret through the router's environment, not setenv: changing the process's environment while other
        // tests start child processes (Foundation's Process copies it) can crash the test process.
        try await RouterService.run($0, environment: ProcessInfo.processInfo.environment.merging(["ROUTER_FLOW_TEST_SECRET": "flow-secret"]) { $1 },
                                  installSignalHandlers: false)
    }
    try await router.waitUntilConnected()
    let created = Date()

    // A finance alert: the route's admin on in-app and e-mail, with signed action links.
    let finance = Alert(id: "a1", tenant: "acme", dedupKey: "inv", severity: .error, summary: "Invoice overdue", category: "finance",
                        createdAt: created)
    publisher.publish("alerting/events/acme/a1", try event(.triggered, finance))
    // A press-line alert without a route: incident targeting picks the service owner, first_available → SMS.
    let press = Alert(id: "a2", tenant: "acme", dedupKey: "press", severity: .critical, summary: "Press 4 stopped", service: "press-line",
                      createdAt: created)
    publisher.publish("alerting/events/acme/a2", try event(.triggered, press))
    try await publisher.flush()
    try await recorder.wait { messages in
        messages.contains { $0.topic == "alerting/dispatch/sms/acme" } && messages.contains { $0.topic == "alerting/inbox/acme/alice" }
    }

    let email = try #require(dispatches(recorder).first { $0.topic == "alerting/dispatch/email/acme" }?.request)
    #expect(email.recipient == Recipient(kind: .user, user: "alice", address: "alice@acme.example.test", name: "alice"))
    #expect(email.priority == "high" && email.kind == .notify && email.title == "[ERROR] Invoice overdue")
    #expect(email.actions.map(\.action) == [.acknowledge, .resolve])
    let claims = try ActionToken.verify(try #require(email.actions.first?.token), secret: "flow-secret", now: Date())
    #expect(claims.tenant == "acme" && claims.alertId == "a1" && claims.user == "alice" && claims.action == .acknowledge)
    #expect(email.actions.first?.url == "https://alerts.example.test/a/\(email.actions.first!.token)")
    let sms = try #require(dispatches(recorder).first { $0.topic == "alerting/dispatch/sms/acme" }?.request)
    #expect(sms.recipient.user == "bob" && sms.recipient.address == "+15550002" && sms.alert.id == "a2")
    #expect(!dispatches(recorder).contains { $0.request.recipient.user == "vic" }, "viewers are not targeted")
    let inbox = try #require(recorder.messages(on: "alerting/inbox/acme/alice").last)
    let snapshot = try Envelope<InboxSnapshot>.decode(inbox.payload).data
    #expect(snapshot.unread == 1 && snapshot.items.map(\.alertId) == ["a1"])

    // bob's SMS fails for good: the router tries his next channel, e-mail.
    publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/twilio-gateway", tenant: "acme", data: DeliveryReceipt(
        dispatchId: sms.dispatchId, alertId: "a2", channel: "sms", status: .failed, attempt: 3, error: "unreachable")).encoded())
    // alice's e-mail is delivered, with the provider's reference for later updates.
    publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/email-gateway", tenant: "acme", data: DeliveryReceipt(
        dispatchId: email.dispatchId, alertId: "a1", channel: "email", status: .delivered, attempt: 1, providerRef: "<m1@example.test>")).encoded())
    try await publisher.flush()
    try await recorder.wait { _ in dispatches(recorder).contains { $0.request.recipient.user == "bob" && $0.topic == "alerting/dispatch/email/acme" } }
    let failover = try #require(dispatches(recorder).first { $0.request.recipient.user == "bob" && $0.topic == "alerting/dispatch/email/acme" }?.request)
    #expect(failover.recipient.address == "bob@acme.example.test" && failover.alert.id == "a2")

    // Waiting for the delivered receipt to be applied before the acknowledgement, so the update carries its reference.
    #expect(try await eventually { try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }
        .contains { $0.channel == "email" && $0.status == "delivered" } })
    var acknowledged = finance
    acknowledged.status = .acknowledged
    acknowledged.acknowledgedBy = "alice"
    acknowledged.acknowledgedAt = created.addingTimeInterval(90)
    publisher.publish("alerting/events/acme/a1", try event(.acknowledged, acknowledged, by: "alice"))
    // An escalation step for a2 names alice, channel override SMS.
    let step = EscalationStepTaken(alertId: "a2", level: 1, cause: EscalationCause(kind: .policyStep, policy: "p", step: 2),
                                   targets: [EscalationTargetRef(user: "alice")], channels: ["sms"], dueAt: Date())
    publisher.publish("alerting/escalations/acme/a2", try Envelope(source: "alerting/escalator", tenant: "acme", data: step).encoded())
    // alice reads a1 in the app.
    publisher.publish("alerting/ack/acme/a1/by/alice", #"{"action": "read"}"#)
    try await publisher.flush()
    try await recorder.wait { _ in
        dispatches(recorder).contains { $0.request.kind == .update } && dispatches(recorder).contains { $0.request.event == .escalated }
            && ((try? Envelope<InboxSnapshot>.decode(recorder.messages(on: "alerting/inbox/acme/alice").last!.payload).data.unread) == 0)
    }
    let updates = dispatches(recorder).filter { $0.request.kind == .update && $0.request.alert.id == "a1" }
    #expect(updates.count == 1, "the e-mail gets an update; the in-app item is not re-sent")
    #expect(updates.first?.topic == "alerting/dispatch/email/acme")
    #expect(updates.first?.request.providerRef == "<m1@example.test>" && updates.first?.request.event == .acknowledged)
    let escalation = try #require(dispatches(recorder).first { $0.request.event == .escalated && $0.request.kind == .notify }?.request)
    // The level 1 step also updates what a2 already reached: bob's e-mail (his failed SMS is not updated).
    #expect(dispatches(recorder).filter { $0.request.kind == .update && $0.request.alert.id == "a2" }
        .map { "\($0.request.event):\($0.topic):\($0.request.recipient.user ?? "-")" } == ["escalated:alerting/dispatch/email/acme:bob"])
    #expect(escalation.channel == "sms" && escalation.recipient.user == "alice" && escalation.alert.id == "a2")

    // A late subscriber (an app opening) gets the retained inbox at once.
    let late = try BusRecorder(broker: broker, topics: ["alerting/inbox/acme/alice"])
    try await late.wait { !$0.isEmpty }
    let retained = try #require(late.messages.first)
    #expect(retained.retain)
    #expect(try Envelope<InboxSnapshot>.decode(retained.payload).data.unread == 0)
    late.stop()

    // Analytics on request: two alerts, one acknowledged after 90 s, one escalated.
    publisher.publish("alerting/analytics/acme", #"{"reply_to": "test/replies/1", "window": "1h", "correlation_id": "q1"}"#)
    try await publisher.flush()
    try await recorder.wait { $0.contains { $0.topic == "test/replies/1" } }
    let report = try Envelope<AnalyticsReport>.decode(try #require(recorder.messages(on: "test/replies/1").first).payload).data
    #expect(!report.truncated, "an hour is well within the retention")
    #expect(report.correlationId == "q1" && report.alerts == 2 && report.acknowledged == 1 && report.ackRate == 0.5)
    #expect(report.medianSecondsToAck.map { abs($0 - 90) < 1 } == true)
    #expect(report.escalated == 1 && report.escalationRate == 0.5)
    #expect(report.failedByChannel == ["sms": 1])
    #expect(report.channels["email"] == 4 && report.channels["in_app"] == 1 && report.channels["sms"] == 2, "e-mail: alice's, her update, bob's failover and its escalated update")

    // The audit log, by alert and by recipient.
    let a1 = try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }
    #expect(a1.map { "\($0.channel):\($0.kind):\($0.status)" } == ["in_app:notify:read", "email:notify:delivered", "email:update:pending"])
    let bobs = try router.runtime.store.read { try DispatchRecords.query($0, tenant: "acme", recipientUser: "bob") }
    #expect(bobs.map { "\($0.channel):\($0.kind):\($0.status):\($0.origin ?? "-")" }
        == ["sms:notify:failed:targeting", "email:notify:pending:failover", "email:update:pending:failover"])

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}

