// A throttling receiver (429, Retry-After: 120) and a dead one delay only their own deliveries: over a real broker,
// with real SQLite and real HTTP servers, every other receiver gets each of its dispatches once within seconds, and the
// throttled and dead ones wait in the table with their next attempt scheduled, not on a delivery thread.
import Contracts
import Foundation
import GatewayKit
import GRDB
import ServiceKit
import Store
import Testing
import TestSupport
import WebhookGateway

private func dispatch(_ id: String, webhook: String, service: String = "press-line") -> Envelope<DispatchRequest> {
    let alert = Alert(id: "alert-\(id)", tenant: "acme", dedupKey: id, severity: .error, summary: "Alert \(id)", service: service,
                      createdAt: Date())
    let request = DispatchRequest(dispatchId: id, kind: .notify, event: .triggered, channel: "webhook",
                                  recipient: Recipient(kind: .service, service: service, address: webhook),
                                  title: "[ERROR] Alert \(id)", body: "Alert \(id)", severity: .error, alert: alert)
    return Envelope(id: id, source: "alerting/router", tenant: "acme", data: request)
}

private func config(throttled: String, dead: String, healthy: [String]) -> String {
    let hooks = ([("throttled", throttled), ("dead", dead)] + healthy.enumerated().map { ("healthy-\($0.offset)", $0.element) })
        .map { "              - {id: \($0.0), type: generic, url: \"\($0.1)/hook\"}" }.joined(separator: "\n")
    return """
        channels:
          webhook:
            retry_schedule: [5s, 5m]
        tenants:
          - id: acme
            users:
              - {id: bob, roles: [admin], email: bob@acme.example.test}
            services:
              - id: press-line
                owners: [bob]
                notification_channels: [webhook]
                webhooks:
        \(hooks)
        """
}

@Test(.timeLimit(.minutes(2)))
func aThrottlingAndADeadReceiverDelayOnlyTheirOwnDeliveries() async throws {
    let directory = temporaryDirectory("gateway-isolation")
    let broker = try MosquittoBroker()
    let throttled = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(status: 429, headers: [("Retry-After", "120")]) }
    let healthy = [try await TestHTTPServer.start(), try await TestHTTPServer.start()]
    // Nobody listens there: connections are refused.
    let deadURL = "http://127.0.0.1:\(MosquittoBroker.freePort())"
    let configURL = try TestConfig.write(config(throttled: throttled.url, dead: deadURL, healthy: healthy.map(\.url)), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    let dataDir = directory.appendingPathComponent("gateway")
    let gateway = InProcessService(runtime: try WebhookGatewayService.makeRuntime(
        options: try InProcessService.options(config: configURL, dataDir: dataDir, broker: broker, clientID: "gateway-isolation"))) {
        try await WebhookGatewayService.run($0, provider: WebhookProvider(timeout: 5, environment: [:]), installSignalHandlers: false)
    }
    try await gateway.waitUntilConnected()

    // What stopped every tenant's webhooks before: 40 throttled and 40 dead deliveries first, then the healthy ones.
    for index in 0..<40 {
        publisher.publish("alerting/dispatch/webhook/acme", try dispatch("throttled-\(index)", webhook: "throttled").encoded())
        publisher.publish("alerting/dispatch/webhook/acme", try dispatch("dead-\(index)", webhook: "dead").encoded())
    }
    try await publisher.flush()
    let started = Date()
    var healthyIDs: [String] = []
    for index in 0..<40 {
        for hook in 0..<2 {
            healthyIDs.append("healthy-\(hook)-\(index)")
            publisher.publish("alerting/dispatch/webhook/acme", try dispatch("healthy-\(hook)-\(index)", webhook: "healthy-\(hook)").encoded())
        }
    }
    try await publisher.flush()
    func receipts() -> [String: DeliveryReceipt] {
        var byID: [String: DeliveryReceipt] = [:]
        for message in recorder.messages(on: "alerting/receipts/") {
            for receipt in (try? Envelope<DeliveryReceipts>.decode(message.payload).data.receipts) ?? [] { byID[receipt.dispatchId] = receipt }
        }
        return byID
    }
    try await recorder.wait(timeout: 20, "80 healthy receipts") { _ in
        let byID = receipts()
        return healthyIDs.allSatisfy { byID[$0] != nil }
    }
    let elapsed = Date().timeIntervalSince(started)
    #expect(elapsed < 10, "the healthy receivers got everything in \(elapsed) s")
    for (hook, server) in healthy.enumerated() {
        let ids = server.requests.compactMap { $0.header("webhook-id") }
        #expect(ids.count == 40 && Set(ids).count == 40, "healthy-\(hook): each dispatch once")
    }
    #expect(receipts().values.allSatisfy { $0.status == .sent })

    // The throttled receiver was asked a few times at most (the first 429 paused its queue), the rest wait in the
    // table until its Retry-After; nothing of the two failing receivers was reported as failed yet.
    #expect(throttled.requests.count <= 8, "\(throttled.requests.count) requests to the throttled receiver")
    let store = gateway.runtime.store
    let (throttledWaiting, deadWaiting, earliestThrottled) = try store.read { db in
        (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND dispatch_id LIKE 'throttled-%'") ?? 0,
         try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND dispatch_id LIKE 'dead-%'") ?? 0,
         try Double.fetchOne(db, sql: "SELECT MIN(not_before) FROM deliveries WHERE dispatch_id LIKE 'throttled-%'") ?? 0)
    }
    #expect(throttledWaiting == 40 && deadWaiting == 40)
    #expect(earliestThrottled - started.timeIntervalSince1970 > 100, "the throttled deliveries wait for the Retry-After")
    #expect(receipts().keys.allSatisfy { $0.hasPrefix("healthy-") })

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    throttled.stop()
    for server in healthy { server.stop() }
    broker.stop()
}
