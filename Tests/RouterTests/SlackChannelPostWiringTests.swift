// A route posting to the service's own Slack channel: one dispatch for that channel, the route's (with its priority),
// and the acknowledgement's update carries the message's reference from the receipt.
import Config
import Contracts
import Foundation
import Router
import ServiceKit
import Testing
import TestSupport

@Test(.timeLimit(.minutes(2)))
func aRouteAndItsServiceSharingASlackChannelGetOnePostWithTheRoutesPriority() async throws {
    let directory = temporaryDirectory("router-slack-channel")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write("""
        tenants:
          - id: acme
            name: Acme
            users:
              - id: bob
                name: Bob
                roles: [admin]
                slack_user: U0BOB00001
            services:
              - id: press-line
                name: Press line
                owners: [bob]
                notification_channels: [slack]
                slack_channel: "#press-line"
            routes:
              - id: production-all
                match: {category: production}
                channels: [slack]
                priority: critical
        """, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/slack/acme"], consuming: ["slack"])
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()

    var alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .critical, summary: "Press 4 stopped", category: "production",
                      service: "press-line", createdAt: Date())
    publisher.publish("alerting/events/acme/a1",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: alert)).encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the Slack post") { !$0.isEmpty }
    let post = try Envelope<DispatchRequest>.decode(try #require(recorder.messages.first).payload).data
    #expect(post.recipient.address == "#press-line" && post.priority == "critical")

    // The gateway's receipt carries the message's reference; the acknowledgement's update names it.
    let receipt = DeliveryReceipt(dispatchId: post.dispatchId, alertId: "a1", channel: "slack", status: .sent, attempt: 1,
                                  providerRef: "C0PRESS001:1700000000.000001")
    publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/slack-gateway", tenant: "acme", data: receipt).encoded())
    try await publisher.flush()
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        let row = try router.runtime.store.read { try DispatchRecords.row($0, dispatchId: post.dispatchId, tenant: "acme") }
        if row?.providerRef != nil { break }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    alert.status = .acknowledged
    alert.acknowledgedBy = "bob"
    publisher.publish("alerting/events/acme/a1",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .acknowledged, alert: alert, by: "bob")).encoded())
    // A barrier: a second alert's post comes after everything the acknowledgement caused.
    var barrier = alert
    barrier.id = "a2"
    barrier.status = .triggered
    publisher.publish("alerting/events/acme/a2",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: barrier)).encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the barrier") { messages in
        messages.contains { (try? Envelope<DispatchRequest>.decode($0.payload).data.alert.id) == "a2" }
    }
    let forA1 = recorder.messages.compactMap { try? Envelope<DispatchRequest>.decode($0.payload).data }.filter { $0.alert.id == "a1" }
    #expect(forA1.count == 2, "one post and one update for the channel, not two of each")
    let update = try #require(forA1.first { $0.kind == .update })
    #expect(update.providerRef == "C0PRESS001:1700000000.000001" && update.event == .acknowledged)

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}

@Test(.timeLimit(.minutes(2)))
func aServicesOwnSlackPostsUpdatesCarryTheMessagesReference() async throws {
    let directory = temporaryDirectory("router-slack-service")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write("""
        tenants:
          - id: acme
            name: Acme
            users:
              - id: bob
                name: Bob
                roles: [admin]
            services:
              - id: press-line
                name: Press line
                owners: [bob]
                notification_channels: [slack]
                slack_channel: "#press-line"
        """, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/slack/acme"], consuming: ["slack"])
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()

    var alert = Alert(id: "s1", tenant: "acme", dedupKey: "k", severity: .error, summary: "Press 5 slow", service: "press-line", createdAt: Date())
    publisher.publish("alerting/events/acme/s1",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: alert)).encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the service's post") { !$0.isEmpty }
    let post = try Envelope<DispatchRequest>.decode(try #require(recorder.messages.first).payload).data
    #expect(post.recipient.kind == .service && post.providerRef == nil)
    let receipt = DeliveryReceipt(dispatchId: post.dispatchId, alertId: "s1", channel: "slack", status: .sent, attempt: 1,
                                  providerRef: "C0PRESS001:1700000000.000002")
    publisher.publish("alerting/receipts/acme", try Envelope(source: "alerting/slack-gateway", tenant: "acme", data: receipt).encoded())
    try await publisher.flush()
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        if try router.runtime.store.read({ try DispatchRecords.row($0, dispatchId: post.dispatchId, tenant: "acme") })?.providerRef != nil { break }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    alert.status = .resolved
    publisher.publish("alerting/events/acme/s1",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .resolved, alert: alert, by: "bob")).encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 10, "the update") { $0.count >= 2 }
    let update = try Envelope<DispatchRequest>.decode(recorder.messages[1].payload).data
    #expect(update.kind == .update && update.event == .resolved && update.providerRef == "C0PRESS001:1700000000.000002")

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}
