// The webhook gateway over a real broker against local receivers that check each platform's rules the way the
// platform would (Teams, Google Chat, Discord, a generic receiver verifying the signature, an ntfy-compatible push
// server checking its token): every event kind, long text included, is accepted; a 400 fails at once, a 500 is retried.
import Contracts
import Foundation
import GatewayKit
import Testing
import TestSupport
import WebhookGateway

private let signingSecret = "platform-receivers-secret"
private let ntfyToken = "tk_platform_receivers"

/// What a platform would refuse in a request, or nil when it would take it.
private func refusal(_ request: RecordedHTTPRequest) -> String? {
    guard request.method == "POST" else { return "method \(request.method)" }
    guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else { return "not a JSON object" }
    switch request.path {
    case "/teams":
        guard request.body.count <= 28_000 else { return "over Teams' 28 KB" }
        guard object["type"] as? String == "message", let attachments = object["attachments"] as? [[String: Any]], attachments.count == 1,
              attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive",
              let card = attachments[0]["content"] as? [String: Any], card["type"] as? String == "AdaptiveCard",
              let body = card["body"] as? [[String: Any]], !body.isEmpty else { return "not one Adaptive Card attachment" }
    case "/chat":
        guard let cards = object["cardsV2"] as? [[String: Any]], cards.count == 1, cards[0]["cardId"] is String,
              let card = cards[0]["card"] as? [String: Any], let sections = card["sections"] as? [[String: Any]], !sections.isEmpty,
              (card["header"] as? [String: Any])?["title"] is String else { return "not a cardsV2 card" }
        guard request.body.count <= 32_000 else { return "over Google Chat's 32 KB" }
    case "/discord":
        guard let embeds = object["embeds"] as? [[String: Any]], (1...10).contains(embeds.count) else { return "1 to 10 embeds" }
        for embed in embeds {
            let title = embed["title"] as? String ?? "", description = embed["description"] as? String ?? ""
            let footer = (embed["footer"] as? [String: Any])?["text"] as? String ?? ""
            let fields = embed["fields"] as? [[String: Any]] ?? []
            let names = fields.map { $0["name"] as? String ?? "" }, values = fields.map { $0["value"] as? String ?? "" }
            if title.count > 256 || description.count > 4_096 || footer.count > 2_048 || fields.count > 25
                || names.contains(where: { $0.count > 256 || $0.isEmpty }) || values.contains(where: { $0.count > 1_024 || $0.isEmpty })
                || title.count + description.count + footer.count + names.joined().count + values.joined().count > 6_000 {
                return "an embed over Discord's limits"
            }
        }
    case "/generic":
        let signer = WebhookSigner(secret: signingSecret)
        guard signer.verify(id: request.header("webhook-id") ?? "", timestamp: Int(request.header("webhook-timestamp") ?? "") ?? 0,
                            body: request.body, signatureHeader: request.header("webhook-signature") ?? "") else { return "bad signature" }
        guard object["type"] is String, object["data"] is [String: Any] else { return "not a Standard Webhooks event" }
    case "/":
        guard request.header("authorization") == "Bearer \(ntfyToken)" else { return "unauthorized" }
        guard let topic = object["topic"] as? String, topic.range(of: "^[-_A-Za-z0-9]{1,64}$", options: .regularExpression) != nil else {
            return "invalid topic"
        }
        guard let message = object["message"] as? String, message.utf8.count <= 4_096 else { return "message over 4096 bytes" }
        guard let priority = object["priority"] as? Int, (1...5).contains(priority) else { return "priority" }
        guard (object["actions"] as? [Any] ?? []).count <= 3 else { return "more than 3 actions" }
    default:
        return "unknown path \(request.path)"
    }
    return nil
}

private func dispatch(_ id: String, channel: String, event: AlertEvent.Kind, address: String, long: Bool) -> Envelope<DispatchRequest> {
    let summary = long ? String(repeating: "Pressure high on line 4 ü ", count: 400) : "Pressure high on line 4"
    var alert = Alert(id: "alert-\(id)", tenant: "acme", dedupKey: id, severity: .critical, summary: summary, service: "press-line",
                      source: "plc-7", createdAt: Date())
    if event == .acknowledged { alert.acknowledgedBy = "bob" }
    let recipient = channel == "push" ? Recipient(kind: .user, user: "bob", address: address)
                                      : Recipient(kind: .service, service: "press-line", address: address)
    let request = DispatchRequest(dispatchId: id, kind: event == .triggered ? .notify : .update, event: event, channel: channel,
                                  recipient: recipient, title: "[CRITICAL] \(summary)", body: long ? summary + summary : summary,
                                  severity: .critical, links: [AlertLink(href: "https://example.test/p4", text: "Panel")],
                                  actions: [ActionLink(action: .acknowledge, token: "t", url: "https://alerting.example.test/a/t-\(id)")],
                                  alert: alert)
    return Envelope(id: id, source: "alerting/router", tenant: "acme", data: request)
}

@Test(.timeLimit(.minutes(2)))
func everyPlatformTakesEveryEventKindAndRefusalsAreNotRetried() async throws {
    let directory = temporaryDirectory("platform-receivers")
    let broker = try MosquittoBroker()
    let refusals = RefusalLog()
    let once = OnceFailing()
    let responder: @Sendable (RecordedHTTPRequest) -> ScriptedHTTPResponse = { request in
        let text = String(decoding: request.body, as: UTF8.self)
        // On demand: a 400 for one dispatch, a 500 the first time for another.
        if text.contains("refuse-me") { return ScriptedHTTPResponse(status: 400) }
        if text.contains("flaky-me"), once.firstTime() { return ScriptedHTTPResponse(status: 500) }
        if let reason = refusal(request) {
            refusals.add("\(request.path): \(reason)")
            return ScriptedHTTPResponse(status: 400)
        }
        if request.path == "/" {
            return ScriptedHTTPResponse(status: 200, body: Data(#"{"id":"n1","time":1790000000,"event":"message","topic":"bob-alerts"}"#.utf8))
        }
        return ScriptedHTTPResponse(status: request.path == "/discord" ? 204 : 200)
    }
    let platforms = try await TestHTTPServer.start(responder: responder)
    let ntfy = try await TestHTTPServer.start(responder: responder)
    let hooks = [("teams", "teams", "/teams"), ("chat", "google_chat", "/chat"), ("discord", "discord", "/discord"),
                 ("generic", "generic", "/generic")]
    let yaml = """
        channels:
          webhook:
            retry_schedule: [1s, 1s, 1s]
          push:
            ntfy_url: \(ntfy.url)
            token_env: NTFY_TOKEN
        tenants:
          - id: acme
            users:
              - {id: bob, roles: [admin], email: bob@acme.example.test, push_topic: bob-alerts}
            services:
              - id: press-line
                owners: [bob]
                notification_channels: [webhook]
                webhooks:
        \(hooks.map { "              - {id: \($0.0), type: \($0.1), url: \"\(platforms.url)\($0.2)\"\($0.1 == "generic" ? ", secret_env: SIGNING_SECRET" : "")}" }.joined(separator: "\n"))
        """
    let config = try TestConfig.write(yaml, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
    let publisher = try BusPublisher(broker: broker)
    let environment = ["SIGNING_SECRET": signingSecret, "NTFY_TOKEN": ntfyToken]
    let gateway = InProcessService(runtime: try WebhookGatewayService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"), broker: broker,
                                              clientID: "platform-receivers"))) {
        try await WebhookGatewayService.run($0, provider: WebhookProvider(push: true, timeout: 5, environment: environment),
                                            installSignalHandlers: false)
    }
    try await gateway.waitUntilConnected()

    var expected: [String] = []
    for (hook, _, _) in hooks {
        for event in [AlertEvent.Kind.triggered, .acknowledged, .resolved, .escalated] {
            for long in [false, true] {
                let id = "\(hook)-\(event.rawValue)-\(long ? "long" : "short")"
                expected.append(id)
                publisher.publish("alerting/dispatch/webhook/acme", try dispatch(id, channel: "webhook", event: event, address: hook, long: long).encoded())
            }
        }
    }
    for event in [AlertEvent.Kind.triggered, .acknowledged, .resolved, .escalated] {
        for long in [false, true] {
            let id = "push-\(event.rawValue)-\(long ? "long" : "short")"
            expected.append(id)
            publisher.publish("alerting/dispatch/push/acme", try dispatch(id, channel: "push", event: event, address: "bob-alerts", long: long).encoded())
        }
    }
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("refuse-me", channel: "webhook", event: .triggered, address: "teams", long: false).encoded())
    publisher.publish("alerting/dispatch/webhook/acme", try dispatch("flaky-me", channel: "webhook", event: .triggered, address: "chat", long: false).encoded())
    try await publisher.flush()

    func receipts() -> [String: DeliveryReceipt] {
        var byID: [String: DeliveryReceipt] = [:]
        for message in recorder.messages(on: "alerting/receipts/") {
            for receipt in (try? Envelope<DeliveryReceipts>.decode(message.payload).data.receipts) ?? [] { byID[receipt.dispatchId] = receipt }
        }
        return byID
    }
    try await recorder.wait(timeout: 30, "a receipt for every dispatch") { _ in receipts().count >= expected.count + 2 }
    let byID = receipts()
    #expect(refusals.entries.isEmpty, "the receivers refused: \(refusals.entries)")
    for id in expected { #expect(byID[id]?.status == .sent, "\(id): \(String(describing: byID[id]))") }
    #expect(byID["refuse-me"]?.status == .failed && byID["refuse-me"]?.attempt == 1 && byID["refuse-me"]?.httpStatus == 400,
            "a 400 fails at once: \(String(describing: byID["refuse-me"]))")
    #expect(byID["flaky-me"]?.status == .sent && byID["flaky-me"]?.attempt == 2, "a 500 is retried: \(String(describing: byID["flaky-me"]))")
    let pushes = ntfy.requests.filter { $0.path == "/" }
    #expect(pushes.count == 8, "one ntfy publish per push dispatch")
    #expect(platforms.requests.filter { String(decoding: $0.body, as: UTF8.self).contains("refuse-me") }.count == 1)

    publisher.stop()
    recorder.stop()
    await gateway.stop()
    platforms.stop()
    ntfy.stop()
    broker.stop()
}

private final class RefusalLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ entry: String) { lock.withLock { list.append(entry) } }
    var entries: [String] { lock.withLock { list } }
}

private final class OnceFailing: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func firstTime() -> Bool { lock.withLock { defer { done = true }; return !done } }
}
