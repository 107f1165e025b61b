// The notifier and the router over a real broker: a monitor's events become e-mail dispatches (to a stand-in gateway)
// and in-app inbox items (the router consumes in-app dispatches) for the admins who want them, and nobody else.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Router
import ServiceKit
import Testing
import TestSupport

@Test(.timeLimit(.minutes(2)))
func monitorEventsReachTheRightAdminsOnTheirChannels() async throws {
    let directory = temporaryDirectory("health-wiring")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write(HealthFixture.yaml, in: directory)
    // An e-mail gateway's stand-in: it announces the channel, as every gateway does.
    let email = try BusRecorder(broker: broker, topics: ["alerting/dispatch/email/#"], consuming: ["email"])
    let watcher = try BusRecorder(broker: broker, topics: ["alerting/inbox/#", "integrations/state/#", "alerting/rejected/#",
                                                          "integrations/preferences/+/+/effective"])
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    let notifier = InProcessService(runtime: try IntegrationHealthService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("notifier"), broker: broker))) {
        try await IntegrationHealthService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()
    try await notifier.waitUntilConnected()

    func event(_ integration: String, _ json: String) { publisher.publish("integrations/health/acme/\(integration)", json) }
    // alice, bob, erin.
    event("crm-1", #"{"event":"integration.credentials.expired","integration_name":"CRM"}"#)
    // alice only (configuration changes are off by default).
    event("crm-1", #"{"event":"integration.search.updated","integration_name":"CRM"}"#)
    // Nobody: not retried enough.
    event("crm-1", #"{"event":"integration.sync.failed","task_id":"t1","retry_count":1}"#)
    // Rejected.
    event("crm-1", #"{"event":"integration.unheard.of"}"#)
    // bob turns connection issues off at run time.
    publisher.publish("integrations/preferences/acme/bob", #"{"connection_issues": false}"#)
    // The barrier: alice and erin; once its dispatches are here, everything before them is too (one lane, in order).
    event("erp-2", #"{"event":"integration.connection.test.failed","integration_name":"ERP","error":"401"}"#)
    try await publisher.flush()

    try await email.wait(timeout: 20, "the barrier's e-mails") { messages in
        messages.contains { (try? Envelope<DispatchRequest>.decode($0.payload))?.data.title == "Integration Connection Test Failed" }
            && messages.count >= 6
    }
    let mails = email.messages.compactMap { try? Envelope<DispatchRequest>.decode($0.payload).data }
    func told(_ title: String) -> [String] { mails.filter { $0.title == title }.compactMap(\.recipient.user).sorted() }
    #expect(told("Integration Credentials Expired") == ["alice", "bob", "erin"])
    #expect(told("Integration Search Configuration Updated") == ["alice"])
    #expect(told("Integration Connection Test Failed") == ["alice", "erin"])
    #expect(mails.count == 6, "nothing for dave, nothing for the gated sync failure")
    #expect(mails.allSatisfy { $0.channel == "email" && $0.recipient.address == "\($0.recipient.user!)@acme.example.test" })
    #expect(mails.first?.links.first?.href == "https://app.example.test/acme/integrations/crm-1/credentials")

    // The in-app items: the router turned the notifier's in-app dispatches into inbox snapshots.
    try await watcher.wait(timeout: 20, "alice's inbox with three items") { messages in
        messages.contains { $0.topic == "alerting/inbox/acme/alice" && (try? Envelope<InboxSnapshot>.decode($0.payload))?.data.items.count == 3 }
    }
    func inbox(_ user: String) -> InboxSnapshot? {
        watcher.messages.last { $0.topic == "alerting/inbox/acme/\(user)" }.flatMap { try? Envelope<InboxSnapshot>.decode($0.payload).data }
    }
    try await watcher.wait(timeout: 20, "erin's inbox with two items") { _ in inbox("erin")?.items.count == 2 }
    try await watcher.wait(timeout: 20, "bob's inbox") { _ in inbox("bob")?.items.count == 1 }
    #expect(inbox("alice")?.unread == 3)
    #expect(inbox("bob")?.items.map(\.title) == ["Integration Credentials Expired"])
    #expect(inbox("dave") == nil)

    let state = watcher.messages.last { $0.topic == "integrations/state/acme/crm-1" }
        .flatMap { try? JSONCoding.decode(IntegrationHealth.self, from: $0.payload) }
    #expect(state?.status == .failing && state?.integrationName == "CRM")
    #expect(watcher.messages.contains { $0.topic == "alerting/rejected/acme" })
    #expect(watcher.messages.contains { $0.topic == "integrations/preferences/acme/bob/effective" })
    // The router's in-app receipts mark the notifier's in-app dispatches delivered.
    try await watcher.wait(timeout: 20, "in-app receipts applied") { _ in
        let rows = (try? notifier.runtime.store.read { try HealthRecords.dispatches($0, tenant: "acme") }) ?? []
        return rows.filter { $0.channel == "in_app" }.allSatisfy { $0.status == "delivered" } && rows.contains { $0.channel == "in_app" }
    }

    await notifier.stop()
    await router.stop()
    email.stop()
    watcher.stop()
    publisher.stop()
}
