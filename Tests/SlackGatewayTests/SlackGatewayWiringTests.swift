// The Slack gateway over a real broker, a real table and a local Slack: receipts with the message's reference,
// Slack's errors as failed receipts and dead letters, a 429 waited out, and a signed button press as an ack on the bus.
import Contracts
import Foundation
import GatewayKit
import ServiceKit
import SlackGateway
import Store
import Synchronization
import Testing
import TestSupport

private func receipts(_ recorder: BusRecorder) -> [String: DeliveryReceipt] {
    var byID: [String: DeliveryReceipt] = [:]
    for message in recorder.messages(on: "alerting/receipts/") {
        for receipt in (try? Envelope<DeliveryReceipts>.decode(message.payload).data.receipts) ?? [] { byID[receipt.dispatchId] = receipt }
    }
    return byID
}

private final class Attempts: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}

private func envelope(_ dispatch: DispatchRequest) throws -> Data {
    try Envelope(id: dispatch.dispatchId, source: "alerting/router", tenant: dispatch.alert.tenant, data: dispatch).encoded()
}

@Test(.timeLimit(.minutes(2)))
func theGatewayPostsReportsAndTurnsAButtonPressIntoAnAck() async throws {
    let directory = temporaryDirectory("slack-wiring")
    let broker = try MosquittoBroker()
    let slack = try await SlackStandIn.start(channels: [("alerts", "C0ALERTS01")])
    let config = try TestConfig.write(SlackFixtures.yaml(apiURL: slack.apiURL), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#", "alerting/ack/#"])
    let publisher = try BusPublisher(broker: broker)
    let runtime = try SlackGatewayService.makeRuntime(options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"),
                                                                                            broker: broker, clientID: "slack-under-test"))
    let provider = SlackProvider(store: runtime.store, timeout: 5, retry: RetrySchedule(delays: [0.05, 0.1]), environment: SlackFixtures.environment)
    let gateway = InProcessService(runtime: runtime) {
        try await SlackGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2, maxInFlightPerDestination: 1), environment: SlackFixtures.environment,
                                          installSignalHandlers: false)
    }
    try await gateway.waitUntilConnected()

    // The first post of alert "slow" is refused with 429 and Retry-After: 1, then accepted.
    let throttledOnce = Attempts()
    slack.script { request in
        guard request.path == "/api/chat.postMessage", String(decoding: request.body, as: UTF8.self).contains("slow") else { return nil }
        return throttledOnce.next() == 1 ? ScriptedHTTPResponse(status: 429, headers: [("Retry-After", "1")], body: Data()) : nil
    }
    let fine = SlackFixtures.dispatch("d-fine", alert: SlackFixtures.alert("a-fine"))
    let slow = SlackFixtures.dispatch("d-slow", alert: SlackFixtures.alert("a-slow"))
    let nowhere = SlackFixtures.dispatch("d-nowhere", alert: SlackFixtures.alert("a-nowhere"),
                                         recipient: Recipient(kind: .service, service: "press-line", address: "#nowhere"))
    for dispatch in [fine, slow, nowhere, fine] { publisher.publish("alerting/dispatch/slack/acme", try envelope(dispatch)) }
    try await publisher.flush()
    try await recorder.wait(timeout: 30, "three receipts") { _ in receipts(recorder).count == 3 }

    let byID = receipts(recorder)
    #expect(byID["d-fine"]?.status == .sent && byID["d-fine"]?.providerRef?.hasPrefix("C0ALERTS01:") == true)
    #expect(byID["d-slow"]?.status == .sent && byID["d-slow"]?.attempt == 2, "a 429 waited out, then sent")
    #expect(byID["d-nowhere"]?.status == .failed && byID["d-nowhere"]?.error?.contains("channel_not_found") == true)
    #expect(slack.calls("chat.postMessage").filter { String(decoding: $0.body, as: UTF8.self).contains("a-fine") }.count == 1,
            "a redelivered dispatch is posted once")
    let port = try #require(runtime.httpPort)
    let metrics = await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body
    #expect(metrics.split(separator: "\n").contains { $0.hasPrefix("alerting_gateway_deliveries_total") && $0.contains(#"status="failed""#) },
            "failures are visible in the metrics")

    // A signed press of Acknowledge: 200 at once, and an ack for bob on the bus.
    let value = #"{"alert_id":"a-fine","tenant":"acme"}"#
    let payload = #"{"type":"block_actions","team":{"id":"T0ACME"},"user":{"id":"U0BOB00001"},"actions":[{"action_id":"acknowledge","value":"#
        + "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\",\"action_ts\":\"1.2\"}]}"
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let body = Data(("payload=" + payload.addingPercentEncoding(withAllowedCharacters: allowed)!).utf8)
    let timestamp = String(Int(Date().timeIntervalSince1970))
    let signature = SlackSignature(secret: "global-signing-secret").sign(timestamp: timestamp, body: body)
    let url = "http://127.0.0.1:\(port)/slack/actions"
    let pressed = await HTTPProbe.post(url, headers: [("X-Slack-Signature", signature), ("X-Slack-Request-Timestamp", timestamp),
                                                      ("Content-Type", "application/x-www-form-urlencoded")], body: body)
    #expect(pressed.status == 200)
    try await recorder.wait(timeout: 10, "the ack") { messages in messages.contains { $0.topic == "alerting/ack/acme/a-fine" } }
    let ack = try JSONDecoder().decode(AckCommand.self, from: try #require(recorder.messages(on: "alerting/ack/acme/a-fine").first).payload)
    #expect(ack.action == .acknowledge && ack.by == "bob" && ack.via == "slack")

    // Forged: 401 with the reason, a count, no second ack.
    let forged = await HTTPProbe.post(url, headers: [("X-Slack-Signature", "v0=" + String(repeating: "0", count: 64)),
                                                     ("X-Slack-Request-Timestamp", timestamp)], body: body)
    #expect(forged.status == 401 && forged.body.contains("forged"))
    let malformed = await HTTPProbe.post(url, headers: [("X-Slack-Signature", signature), ("X-Slack-Request-Timestamp", timestamp)],
                                         body: Data("payload=%7B".utf8))
    #expect(malformed.status == 400)
    let counted = await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body
    #expect(counted.contains("alerting_slack_actions_total") && counted.contains("forged"))
    #expect(recorder.messages(on: "alerting/ack/").count == 1)

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    slack.stop()
    broker.stop()
}

@Test(.timeLimit(.minutes(2)))
func postsToAChannelArePacedAndAnotherChannelDoesNotWaitForThem() async throws {
    let directory = temporaryDirectory("slack-pacing")
    let broker = try MosquittoBroker()
    let slack = try await SlackStandIn.start(channels: [("alerts", "C0ALERTS01"), ("ops", "C0OPS00001")])
    let config = try TestConfig.write(SlackFixtures.yaml(apiURL: slack.apiURL), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    let runtime = try SlackGatewayService.makeRuntime(options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"),
                                                                                            broker: broker, clientID: "slack-pacing"))
    // Two posts a second per channel, one at a time (Slack's is one a second: the same code, a faster test).
    let provider = SlackProvider(store: runtime.store, timeout: 5, pacing: Pacing(perSecond: 2, burst: 1), environment: SlackFixtures.environment)
    let gateway = InProcessService(runtime: runtime) {
        try await SlackGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 4, maxInFlightPerDestination: 1, maxQueueWait: 5),
                                          environment: SlackFixtures.environment, installSignalHandlers: false)
    }
    try await gateway.waitUntilConnected()
    for index in 0..<6 {
        publisher.publish("alerting/dispatch/slack/acme", try envelope(SlackFixtures.dispatch("busy-\(index)", alert: SlackFixtures.alert("busy-\(index)"))))
    }
    publisher.publish("alerting/dispatch/slack/acme", try envelope(SlackFixtures.dispatch("quiet", alert: SlackFixtures.alert("quiet"),
        recipient: Recipient(kind: .service, service: "press-line", address: "#ops"))))
    try await publisher.flush()
    try await recorder.wait(timeout: 30, "seven receipts") { _ in receipts(recorder).count == 7 }

    let posts = slack.calls("chat.postMessage")
    let busy = posts.filter { String(decoding: $0.body, as: UTF8.self).contains("C0ALERTS01") }
    let quiet = try #require(posts.first { String(decoding: $0.body, as: UTF8.self).contains("C0OPS00001") })
    #expect(busy.count == 6)
    // Paced: from the second post to the sixth, four tokens of 0.5 s (the first post also waited for the channel list, so
    // it is left out). A lower bound with room for the stand-in's jitter on a loaded machine (a post is stamped when
    // its handler runs, up to 0.4 s late here), never an upper one; unpaced, the five arrive within milliseconds.
    #expect(busy[5].receivedAt.timeIntervalSince(busy[1].receivedAt) >= 1.2)
    let lastBusy = try #require(busy.last)
    #expect(quiet.receivedAt < lastBusy.receivedAt, "the other channel's post did not wait behind the busy one's")
    #expect(receipts(recorder).values.allSatisfy { $0.status == .sent })

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    slack.stop()
    broker.stop()
}
