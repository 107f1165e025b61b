// Escalation steps through the router over a real broker: a route's escalation pages on each channel, every
// escalation updates what was sent (e-mail, SMS, the service's webhook, the in-app items), targets held by nobody go
// to the admins with why, a channel that cannot carry a page gets a failed row and receipt, and the inbox follows an
// acknowledgement.
import Config
import Contracts
import Foundation
import Router
import ServiceKit
import Testing
import TestSupport

private let pagingConfig = """
    broker:
      url: mqtt://127.0.0.1:1883
    channels:
      twilio: {sms_from: "+15005550006"}
      email: {from: "alerts@example.test"}
    tenants:
      - id: acme
        users:
          - {id: alice, roles: [admin, accounting], email: alice@acme.example.test, phone: "+15550001", slack_user: U0ALICE}
          - {id: frank, roles: [ceo], email: frank@acme.example.test, phone: "+15550006", channels: [sms, email]}
        services:
          - id: billing
            notification_channels: [webhook]
            webhooks:
              - {id: ledger, type: generic, url: "https://example.test/ledger", events: [triggered, escalated, acknowledged, resolved]}
              - {id: room, type: teams, url: "https://example.test/room", events: [triggered, acknowledged, resolved]}
        routes:
          - id: finance
            match: {category: finance}
            target_roles: [accounting]
            channels: [in_app, email, sms, slack]
            priority: high
            escalate_to_role: admin
            escalate_after: 60m
            escalate_to_top_after: 120m
        top_roles: [ceo]
    """

private func dispatches(_ recorder: BusRecorder) -> [DispatchRequest] {
    recorder.messages(on: "alerting/dispatch/").compactMap { try? Envelope<DispatchRequest>.decode($0.payload).data }
}

private func inbox(_ recorder: BusRecorder, _ user: String) -> InboxSnapshot? {
    recorder.messages(on: "alerting/inbox/acme/\(user)").last.flatMap { try? Envelope<InboxSnapshot>.decode($0.payload).data }
}

private func summary(_ list: [DispatchRequest]) -> [String] {
    list.map { "\($0.kind.rawValue):\($0.event.rawValue):\($0.channel):\($0.recipient.user ?? $0.recipient.address)" }.sorted()
}

@Test(.timeLimit(.minutes(2)))
func escalationStepsPageUpdateAndFallBack() async throws {
    let directory = temporaryDirectory("router-paging")
    let broker = try await offThePool { try MosquittoBroker() }
    let config = try TestConfig.write(pagingConfig, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#", "alerting/inbox/#", "alerting/receipts/#"],
                                   consuming: BusRecorder.everyChannel)
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()
    let created = Date()
    var alert = Alert(id: "a1", tenant: "acme", dedupKey: "inv", severity: .error, summary: "Invoice overdue", category: "finance",
                      service: "billing", links: [AlertLink(href: "https://erp.example.test/inv/1")], createdAt: created)
    func event(_ kind: AlertEvent.Kind, by: String? = nil) throws -> Data {
        try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: kind, alert: alert, by: by)).encoded()
    }
    func step(_ id: String, level: Int, cause: EscalationCause.Kind, role: String, mode: String?,
              channels: [String] = ["in_app", "email", "sms", "slack"]) throws -> Data {
        try Envelope(id: id, source: "alerting/escalator", tenant: "acme", data: EscalationStepTaken(
            alertId: "a1", level: level, cause: EscalationCause(kind: cause, policy: "finance"), targets: [EscalationTargetRef(role: role)],
            channels: channels, dueAt: Date(), channelMode: mode)).encoded()
    }

    // The first notification: alice on each route channel; Slack has no provider: a failed row and receipt.
    publisher.publish("alerting/events/acme/a1", try event(.triggered))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the first notification") { _ in dispatches(recorder).count >= 4 && inbox(recorder, "alice") != nil }
    #expect(summary(dispatches(recorder)) == ["notify:triggered:email:alice", "notify:triggered:sms:alice", "notify:triggered:webhook:ledger",
                                              "notify:triggered:webhook:room"])
    #expect(dispatches(recorder).filter { $0.recipient.user != nil }.allSatisfy { $0.priority == "high" })
    let first = try #require(inbox(recorder, "alice")?.items.first)
    #expect(first.type == "alert" && first.priority == "high" && first.link == "https://erp.example.test/inv/1" && first.status == "triggered")

    // The route's role escalation (level 1): one escalated update per message sent (the room's webhook does not take
    // `escalated`), then alice paged again on each channel.
    var seen = dispatches(recorder).count
    publisher.publish("alerting/escalations/acme/a1", try step("s1", level: 1, cause: .routeRole, role: "admin", mode: "all"))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "step 1") { _ in dispatches(recorder).count >= seen + 5 && (inbox(recorder, "alice")?.items.count ?? 0) >= 2 }
    #expect(summary(Array(dispatches(recorder).dropFirst(seen))) == [
        "notify:escalated:email:alice", "notify:escalated:sms:alice",
        "update:escalated:email:alice", "update:escalated:sms:alice", "update:escalated:webhook:ledger",
    ])
    let afterStep = try #require(inbox(recorder, "alice"))
    #expect(afterStep.items.map(\.type) == ["escalation", "alert"])
    #expect(afterStep.items.allSatisfy { $0.level == 1 }, "the first item shows the level reached")

    // The top (level 2): frank, the CEO, on in-app, e-mail and SMS: paged, not just told in the app.
    seen = dispatches(recorder).count
    publisher.publish("alerting/escalations/acme/a1", try step("s2", level: 2, cause: .top, role: "ceo", mode: "all"))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "step 2") { _ in dispatches(recorder).dropFirst(seen).contains { $0.recipient.user == "frank" && $0.channel == "sms" }
        && inbox(recorder, "frank") != nil }
    #expect(summary(dispatches(recorder).dropFirst(seen).filter { $0.kind == .notify }) == ["notify:escalated:email:frank", "notify:escalated:sms:frank"])

    // A deadline level whose role nobody holds: the admins, and the audit log says why.
    seen = dispatches(recorder).count
    publisher.publish("alerting/escalations/acme/a1", try step("s3", level: 3, cause: .deadlineThreshold, role: "program_owner", mode: nil,
                                                                        channels: ["sms", "email"]))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "step 3") { _ in dispatches(recorder).dropFirst(seen).contains { $0.kind == .notify } }
    let rows = try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }
    let fallback = rows.filter { $0.origin == "fallback" }
    #expect(!fallback.isEmpty && fallback.allSatisfy { $0.recipientUser == "alice" })
    #expect(fallback.first?.reason == "escalation level 3 (deadline threshold): role program_owner resolve to nobody: sent to the tenant's admins")
    #expect(summary(dispatches(recorder).dropFirst(seen).filter { $0.kind == .notify }) == ["notify:escalated:sms:alice"],
            "a deadline level: the first available of the step's channels")
    try await recorder.wait(timeout: 10, "step 3's updates") { _ in
        dispatches(recorder).dropFirst(seen).filter { $0.kind == .update && $0.recipient.user == "frank" }.count == 2 }
    #expect(dispatches(recorder).dropFirst(seen).filter { $0.kind == .update }.allSatisfy { $0.event == .escalated },
            "a deadline level updates what was sent too, frank's pages among them")

    // Slack cannot carry anything here: every page on it is a failed row with why and a failed receipt.
    let failed = rows.filter { $0.channel == "slack" }
    #expect(failed.map { "\($0.recipientUser ?? "-"):\($0.status):\($0.reason ?? "-")" } == [
        "alice:failed:slack: not configured", "alice:failed:slack: not configured", "frank:failed:slack: no address"])
    try await recorder.wait(timeout: 10, "failed receipts") { _ in recorder.messages(on: "alerting/receipts/acme").count >= 3 }
    #expect(rows.filter { $0.channel == "in_app" }.allSatisfy { $0.sentAt != nil && $0.deliveredAt != nil })

    // A manual escalation to the top: its event updates each message once, its step pages frank on each route
    // channel again without updating anything a second time, and every item shows level 4.
    seen = dispatches(recorder).count
    alert.level = 3
    publisher.publish("alerting/events/acme/a1", try event(.escalated, by: "alice"))
    publisher.publish("alerting/escalations/acme/a1", try step("m1", level: 4, cause: .manual, role: "ceo", mode: "all"))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the manual escalation") { _ in
        dispatches(recorder).dropFirst(seen).filter { $0.kind == .notify && $0.recipient.user == "frank" }.count == 2
            && inbox(recorder, "frank")?.items.allSatisfy { $0.level == 4 } == true && inbox(recorder, "frank")?.items.count == 2
    }
    let manualUpdates = dispatches(recorder).dropFirst(seen).filter { $0.kind == .update }.map { "\($0.channel):\($0.recipient.user ?? $0.recipient.address)" }
    #expect(manualUpdates.sorted() == ["email:alice", "email:frank", "sms:alice", "sms:frank", "webhook:ledger"])

    // alice acknowledges: every recipient's items say so, hers are read; frank's stay unread.
    alert.status = .acknowledged
    alert.acknowledgedBy = "alice"
    alert.acknowledgedAt = created.addingTimeInterval(300)
    alert.level = 3
    publisher.publish("alerting/events/acme/a1", try event(.acknowledged, by: "alice"))
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the acknowledgement") { _ in inbox(recorder, "frank")?.items.first?.status == "acknowledged" && inbox(recorder, "alice")?.unread == 0 }
    let franks = try #require(inbox(recorder, "frank"))
    #expect(franks.unread == 2 && franks.items.allSatisfy { item in
        item.statusBy == "alice" && !item.read && abs((item.statusAt ?? .distantPast).timeIntervalSince(alert.acknowledgedAt!)) < 0.01 })
    #expect(try #require(inbox(recorder, "alice")).items.allSatisfy { $0.status == "acknowledged" && $0.read })

    publisher.stop()
    recorder.stop()
    await router.stop()
    try? await offThePool { broker.stop() }
}
