// The webhook gateway over a real broker and a real HTTP receiver: signed POSTs, retries, receipts, and no second
// delivery of a dispatch after a redelivery or a restart.
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import ServiceKit
import Store
import Testing
import TestSupport
import WebhookGateway

private let secret = "gateway-test-secret"

private func dispatch(_ id: String, webhook: String, priority: String? = nil) -> Envelope<DispatchRequest> {
    let alert = Alert(id: "alert-\(id)", tenant: "acme", dedupKey: id, severity: .error, summary: "Alert \(id)", service: "press-line",
                      createdAt: Date())
    let request = DispatchRequest(dispatchId: id, kind: .notify, event: .triggered, channel: "webhook",
                                  recipient: Recipient(kind: .service, service: "press-line", address: webhook),
                                  title: "[ERROR] Alert \(id)", body: "Alert \(id)", severity: .error, priority: priority, alert: alert)
    return Envelope(id: id, source: "alerting/router", tenant: "acme", data: request)
}

private func startGateway(_ config: URL, _ dataDir: URL, _ broker: MosquittoBroker, environment: [String: String],
                          memoryLimit: Int = 1000) async throws -> InProcessService {
    let provider = WebhookProvider(timeout: 5, environment: environment)
    let gateway = InProcessService(runtime: try WebhookGatewayService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: dataDir, broker: broker, clientID: "gateway-under-test"))) {
        try await WebhookGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2, memoryLimit: memoryLimit),
                                            installSignalHandlers: false)
    }
    try await gateway.waitUntilConnected()
    return gateway
}

private func receipts(_ recorder: BusRecorder) -> [String: DeliveryReceipt] {
    var byID: [String: DeliveryReceipt] = [:]
    // The gateway reports each recorded batch in one message.
    for message in recorder.messages(on: "alerting/receipts/") {
        for receipt in (try? Envelope<DeliveryReceipts>.decode(message.payload).data.receipts) ?? [] { byID[receipt.dispatchId] = receipt }
    }
    return byID
}

@Test(.timeLimit(.minutes(2)))
func gatewayDeliversRetriesAndReportsOverTheBus() async throws {
    let directory = temporaryDirectory("gateway-wiring")
    let broker = try MosquittoBroker()
    // The first request for "flaky" fails twice with 503, then succeeds; "broken" is always refused with 400.
    let receiver = try await TestHTTPServer.start { request in
        let id = request.header("webhook-id") ?? ""
        if id == "broken" { return ScriptedHTTPResponse(status: 400) }
        return .ok
    }
    let flakyAttempts = Counter()
    receiver.responder = { request in
        switch request.header("webhook-id") {
        case "broken": return ScriptedHTTPResponse(status: 400)
        case "flaky": return flakyAttempts.next() <= 2 ? ScriptedHTTPResponse(status: 503) : .ok
        default: return .ok
        }
    }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, secretEnv: "GATEWAY_SECRET",
                                                               retrySchedule: "[0.02, 0.05, 0.1]"), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    let dataDir = directory.appendingPathComponent("gateway")
    var gateway = try await startGateway(config, dataDir, broker, environment: ["GATEWAY_SECRET": secret])

    for id in ["ok-1", "flaky", "broken"] { publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, webhook: "receiver").encoded()) }
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("ok-1", webhook: "receiver").encoded())  // a redelivery
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("off", webhook: "disabled-one").encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 20, "receipts") { _ in receipts(recorder).count >= 4 }

    let byID = receipts(recorder)
    #expect(byID["ok-1"]?.status == .sent && byID["ok-1"]?.httpStatus == 200 && byID["ok-1"]?.attempt == 1)
    // Two 503s retried, the third request succeeds; under a loaded machine an attempt can also time out (5 s) before the
    // receiver counts it, which adds an attempt.
    #expect(byID["flaky"]?.status == .sent && (byID["flaky"]?.attempt ?? 0) >= 3, "two 503s retried, then sent")
    #expect(byID["broken"]?.status == .failed && byID["broken"]?.httpStatus == 400 && byID["broken"]?.attempt == 1)
    #expect(byID["off"]?.status == .failed && byID["off"]?.error?.contains("disabled") == true)
    let hooks = receiver.requests.filter { $0.path == "/hook" }
    #expect(hooks.filter { $0.header("webhook-id") == "ok-1" }.count == 1, "a redelivered dispatch is not sent twice")
    #expect(hooks.allSatisfy { request in
        WebhookSigner(secret: secret).verify(id: request.header("webhook-id") ?? "", timestamp: Int(request.header("webhook-timestamp") ?? "") ?? 0,
                                             body: request.body, signatureHeader: request.header("webhook-signature") ?? "")
    })
    let body = try #require(hooks.first { $0.header("webhook-id") == "ok-1" }?.body)
    let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    #expect(json["type"] as? String == "alert.triggered")
    #expect(((json["data"] as? [String: Any])?["alert"] as? [String: Any])?["dedup_key"] as? String == "ok-1")

    // After a restart, the same dispatch again is still not sent; a new one is.
    await gateway.stop()
    let before = receiver.requests.count
    gateway = try await startGateway(config, dataDir, broker, environment: [:])
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("ok-1", webhook: "receiver").encoded())
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("unsigned", webhook: "receiver").encoded())
    try await publisher.flush()
    try await recorder.wait(timeout: 20, "the receipt after restart") { _ in receipts(recorder)["unsigned"] != nil }
    // Without its secret in the environment the webhook is unavailable, and the receipt says which variable is missing.
    #expect(receipts(recorder)["unsigned"]?.status == .failed)
    #expect(receipts(recorder)["unsigned"]?.error?.contains("GATEWAY_SECRET") == true)
    #expect(receiver.requests.count == before)

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    receiver.stop()
    broker.stop()
}

@Test(.timeLimit(.minutes(2)))
func aBacklogLongerThanTheMemoryLimitWaitsInTheTableAndIsDeliveredOnce() async throws {
    let directory = temporaryDirectory("gateway-backlog")
    let broker = try MosquittoBroker()
    // A slow receiver: dispatches arrive far faster than two threads deliver them, so most wait in the table.
    let receiver = try await TestHTTPServer.start { _ in
        usleep(2_000)
        return .ok
    }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, secretEnv: "GATEWAY_SECRET"), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    let gateway = try await startGateway(config, directory.appendingPathComponent("gateway"), broker,
                                         environment: ["GATEWAY_SECRET": secret], memoryLimit: 10)
    let ids = (0..<300).map { String(format: "d-%03d", $0) }
    for id in ids { publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, webhook: "receiver").encoded()) }
    try await publisher.flush()
    try await recorder.wait(timeout: 60, "300 receipts") { _ in receipts(recorder).count >= 300 }

    let sent = receiver.requests.filter { $0.path == "/hook" }.compactMap { $0.header("webhook-id") }
    #expect(sent.count == 300, "each dispatch sent once")
    #expect(Set(sent) == Set(ids))
    // (The order in which the table gives the jobs back is BoundedBacklogTests' subject: two threads delivering
    // concurrently, one of them descheduled for a moment, reorder the requests by any amount.)
    #expect(receipts(recorder).values.allSatisfy { $0.status == .sent })

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    receiver.stop()
    broker.stop()
}

@Test(.timeLimit(.minutes(2)))
func aCriticalDispatchOvertakesABacklogLongerThanTheMemoryLimit() async throws {
    let directory = temporaryDirectory("gateway-urgent")
    // Broker and bus clients start and stop off the concurrency pool: this test runs beside timing-sensitive ones.
    let broker = try await offThePool { try MosquittoBroker() }
    // 30 ms an answer, one attempt in flight (two threads): 150 dispatches take at least 4.5 s, nearly all of them
    // waiting in the table behind a window of 10.
    let receiver = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(delay: 0.03) }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, secretEnv: "GATEWAY_SECRET"), in: directory)
    let recorder = try await offThePool { try BusRecorder(broker: broker, topics: ["alerting/receipts/#"]) }
    let publisher = try await offThePool { try BusPublisher(broker: broker) }
    let gateway = try await startGateway(config, directory.appendingPathComponent("gateway"), broker,
                                         environment: ["GATEWAY_SECRET": secret], memoryLimit: 10)
    let ids = (0..<150).map { String(format: "n-%03d", $0) }
    for id in ids { publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, webhook: "receiver").encoded()) }
    try await publisher.flush()
    try await receiver.waitForRequests(count: 20, timeout: 30)
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("critical", webhook: "receiver", priority: "critical").encoded())
    try await publisher.flush()
    let sentBefore = receiver.requests.filter { $0.path == "/hook" }.count
    // Counting requests rather than decoding receipts all along.
    try await receiver.waitForRequests(count: 151, timeout: 60)
    try await recorder.wait(timeout: 30, "151 receipts") { _ in receipts(recorder).count >= 151 }

    let sent = receiver.requests.filter { $0.path == "/hook" }.compactMap { $0.header("webhook-id") }
    #expect(sent.count == 151, "each dispatch sent once")
    #expect(Set(sent) == Set(ids + ["critical"]))
    let position = try #require(sent.firstIndex(of: "critical"))
    // In memory it goes to the front of the queue, ahead of at most 10 jobs of the window; the slack is for the time
    // between the broker's PUBACK and the gateway's commit on a loaded machine. Through the window it came after
    // about 130 others.
    #expect(position - sentBefore <= 40, "sent \(position - sentBefore) deliveries after it was published (at \(position) of 151)")
    #expect(receipts(recorder).values.allSatisfy { $0.status == .sent })

    try await offThePool {
        publisher.stop()
        recorder.stop()
    }
    await gateway.stop()
    receiver.stop()
    try? await offThePool { broker.stop() }
}

@Test(.timeLimit(.minutes(2)))
func aCriticalDispatchLeftPendingIsSentFirstAfterARestart() async throws {
    let directory = temporaryDirectory("gateway-urgent-restart")
    // Broker and bus clients start and stop off the concurrency pool: this test runs beside timing-sensitive ones.
    let broker = try await offThePool { try MosquittoBroker() }
    let receiver = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(delay: 0.01) }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, secretEnv: "GATEWAY_SECRET"), in: directory)
    let recorder = try await offThePool { try BusRecorder(broker: broker, topics: ["alerting/receipts/#"]) }
    // What the last run left pending: 200 dispatches, then a critical one, none tried.
    let dataDir = directory.appendingPathComponent("gateway")
    let ids = (0..<200).map { String(format: "n-%03d", $0) }
    try await offThePool {
        let store = try Store(path: dataDir.appendingPathComponent("\(WebhookGatewayService.name).sqlite").path,
                              migrations: GatewayRecords.migrations)
        try store.write { db in
            for id in ids + ["critical"] {
                let envelope = dispatch(id, webhook: "receiver", priority: id == "critical" ? "critical" : nil)
                _ = try GatewayRecords.insert(db, envelope.data, tenant: "acme", envelope: try envelope.encoded(), at: Date())
            }
        }
    }
    let gateway = try await startGateway(config, dataDir, broker, environment: ["GATEWAY_SECRET": secret], memoryLimit: 10)
    try await receiver.waitForRequests(count: 201, timeout: 60)
    try await recorder.wait(timeout: 30, "201 receipts") { _ in receipts(recorder).count >= 201 }

    let sent = receiver.requests.filter { $0.path == "/hook" }.compactMap { $0.header("webhook-id") }
    #expect(sent.count == 201, "each dispatch sent once")
    #expect(Set(sent) == Set(ids + ["critical"]))
    // Read by the retry scheduler at start, beside the first 10 of the window; the window would reach it last.
    let position = try #require(sent.firstIndex(of: "critical"))
    #expect(position <= 12, "sent at \(position) of 201")

    try await offThePool { recorder.stop() }
    await gateway.stop()
    receiver.stop()
    try? await offThePool { broker.stop() }
}

@Test(.timeLimit(.minutes(2)))
func aBurstBehindAFewSlowAttemptsIsDeliveredAsSoonAsTheReceiverIsFastAgain() async throws {
    let directory = temporaryDirectory("gateway-slow-start")
    let broker = try MosquittoBroker()
    // The first two answers take 2.5 s each (a receiver warming up), every later one is immediate.
    let answered = Counter()
    let receiver = try await TestHTTPServer.start { _ in
        ScriptedHTTPResponse(delay: answered.next() <= 2 ? 2.5 : 0)
    }
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, secretEnv: "GATEWAY_SECRET"), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    // Two threads: one attempt in flight to the receiver at a time.
    let gateway = try await startGateway(config, directory.appendingPathComponent("gateway"), broker,
                                         environment: ["GATEWAY_SECRET": secret])
    for id in ["slow-1", "slow-2"] { publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, webhook: "receiver").encoded()) }
    try await publisher.flush()
    try await recorder.wait(timeout: 20, "the first slow answer") { _ in receipts(recorder)["slow-1"] != nil }
    // The second slow attempt is in flight, at a mean of 2.5 s per attempt: a burst now looks like a wait of 2.5 s
    // per job, up to 8 minutes, and goes to the table. Once the receiver is fast, the gateway asks the jobs back.
    let ids = (0..<200).map { String(format: "b-%03d", $0) }
    for id in ids { publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, webhook: "receiver").encoded()) }
    try await publisher.flush()
    try await recorder.wait(timeout: 30, "202 receipts") { _ in receipts(recorder).count >= 202 }
    let sent = receiver.requests.filter { $0.path == "/hook" }.compactMap { $0.header("webhook-id") }
    // A slow answer can outlast the attempt's timeout on a loaded machine and be sent again (same webhook-id).
    #expect(Set(sent).count == 202, "every dispatch sent: \(sent.count) requests, \(Set(sent).count) distinct")
    #expect(receipts(recorder).values.allSatisfy { $0.status == .sent })

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    receiver.stop()
    broker.stop()
}

/// A thread-safe count for scripted responders.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
