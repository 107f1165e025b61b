// Service notifications over the example configuration: which channels, which webhooks, for which events.
import Config
import Contracts
import Foundation
import Testing
@testable import Router

private let example: AlertingConfig = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/alerting.example.yaml").path
    return try! ConfigLoader.load(path: path)
}()

private func event(_ kind: AlertEvent.Kind, service: String?) -> AlertEvent {
    AlertEvent(kind: kind, alert: Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .critical, summary: "Press 4 stopped",
                                        service: service, createdAt: Date(timeIntervalSince1970: 0)))
}

@Test(arguments: [
    // (event, expected (channel, address) in order)
    (AlertEvent.Kind.triggered, [("webhook", "ops-teams"), ("webhook", "ticketing"), ("slack", "#press-line")]),
    (.acknowledged, [("webhook", "ops-teams"), ("webhook", "ticketing"), ("slack", "#press-line")]),
    (.resolved, [("webhook", "ops-teams"), ("webhook", "ticketing"), ("slack", "#press-line")]),
    // ops-teams lists only triggered/acknowledged/resolved; ticketing takes every event by default.
    (.escalated, [("webhook", "ticketing"), ("slack", "#press-line")]),
    // A repeat of an open alert notifies nobody again; neither does a note.
    (.updated, []),
    (.noted, []),
])
func pressLineServiceChannels(kind: AlertEvent.Kind, expected: [(String, String)]) throws {
    let tenant = try #require(example.tenant(id: "acme"))
    let plans = ServiceNotifications.plan(for: event(kind, service: "press-line"), tenant: tenant)
    #expect(plans.map { "\($0.channel):\($0.recipient.address)" }.sorted() == expected.map { "\($0.0):\($0.1)" }.sorted())
    #expect(plans.allSatisfy { $0.recipient.kind == .service && $0.recipient.service == "press-line" })
    #expect(!plans.contains { $0.recipient.address == "plant-discord" }, "a disabled webhook gets nothing")
}

@Test func anAlertWithoutAKnownServiceHasNoServiceNotifications() throws {
    let tenant = try #require(example.tenant(id: "acme"))
    #expect(ServiceNotifications.plan(for: event(.triggered, service: nil), tenant: tenant).isEmpty)
    #expect(ServiceNotifications.plan(for: event(.triggered, service: "no-such-service"), tenant: tenant).isEmpty)
    let globex = try #require(example.tenant(id: "globex"))
    #expect(ServiceNotifications.plan(for: event(.triggered, service: "press-line"), tenant: globex).isEmpty,
            "another tenant's service of the same name is never used")
}

@Test func renderingSaysWhatHappened() {
    var acknowledged = event(.acknowledged, service: "press-line")
    acknowledged.by = "bob"
    #expect(MessageRenderer.title(for: event(.triggered, service: "press-line")) == "[CRITICAL] Press 4 stopped")
    #expect(MessageRenderer.title(for: acknowledged) == "[ACKNOWLEDGED] Press 4 stopped")
    #expect(MessageRenderer.body(for: acknowledged).hasPrefix("Acknowledged by bob."))
    #expect(MessageRenderer.body(for: event(.triggered, service: "press-line")).contains("service: press-line"))
}

@Test func aServiceWithoutNotificationChannelsUsesSlackAndItsWebhooks() throws {
    let config = try ConfigLoader.parse(yaml: """
        tenants:
          - id: t
            users: [{id: u, roles: [admin], email: u@example.test}]
            services:
              - id: plain
                slack_channel: "#plain"
                webhooks: [{id: hook, url: "https://example.test/hook"}]
              - id: quiet
                notification_channels: []
                slack_channel: "#quiet"
                webhooks: [{id: hook2, url: "https://example.test/hook2"}]
              - id: bare
        """)
    let tenant = try #require(config.tenant(id: "t"))
    #expect(tenant.service(id: "plain")?.notificationChannels == [.slack, .webhook])
    func plan(_ service: String) -> [String] {
        var alert = Alert(id: "a1", tenant: "t", dedupKey: "k", severity: .critical, summary: "s", service: service, createdAt: Date(timeIntervalSince1970: 0))
        alert.service = service
        return ServiceNotifications.plan(for: AlertEvent(kind: .triggered, alert: alert), tenant: tenant).map { "\($0.channel):\($0.recipient.address)" }
    }
    #expect(plan("plain").sorted() == ["slack:#plain", "webhook:hook"], "the default channels: its Slack channel and its webhooks")
    #expect(plan("quiet").isEmpty, "notification_channels: [] turns them off")
    #expect(plan("bare").isEmpty, "the defaults with neither a Slack channel nor a webhook: nothing")
}
