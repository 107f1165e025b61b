// The shipped example configuration with Slack pointed at a local Slack: an alert in over MQTT becomes one Slack
// message in the service's channel (route and service post alike), a signed Acknowledge press acknowledges the alert on
// `alerting/alerts/...`, and the same message is edited to say who acknowledged it.
import Contracts
import Foundation
import SlackGateway
import Testing
import TestSupport

@Suite(.serialized) struct SlackSystemTests {
    static let signingSecret = "acme-slack-signing-secret"

    /// config/alerting.example.yaml with the Slack API pointed at the local Slack.
    static func exampleConfig(slackAPI: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: root.appendingPathComponent("config/alerting.example.yaml"), encoding: .utf8)
        return yaml.replacingOccurrences(of: "api_url: https://slack.com/api", with: "api_url: \(slackAPI)")
    }

    @Test(.timeLimit(.minutes(3)))
    func anAlertBecomesASlackMessageWhoseAcknowledgeButtonAcknowledgesItAndEditsTheMessage() async throws {
        let directory = temporaryDirectory("slack-system")
        let broker = try MosquittoBroker()
        let slack = try await SlackStandIn.start(channels: [("press-line", "C0PRESS001"), ("finance", "C0FINANCE1")])
        let config = try TestConfig.write(try Self.exampleConfig(slackAPI: slack.apiURL), in: directory)
        let environment = ["ACME_SLACK_BOT_TOKEN": "xoxb-acme", "ACME_SLACK_SIGNING_SECRET": Self.signingSecret, "ACTION_TOKEN_SECRET": "action-secret",
                           "TICKETING_WEBHOOK_SECRET": SystemHarness.secret]
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/#"])
        // The gateway at trace level: its log must hold neither the bot token nor the signing secret.
        let services = try ["ingest", "router", "slack-gateway"].map { name in
            try PipelineService(name: name, directory: directory, config: config, brokerURL: broker.url,
                                logLevel: name == "slack-gateway" ? "trace" : "warning", environment: environment)
        }
        for service in services {
            try service.start()
            try await SystemHarness.waitForOnline(service.name, status)
        }
        let gateway = services[2]

        let publisher = try BusPublisher(broker: broker)
        publisher.publish("alerting/in/acme/plc-1",
                          #"{"dedup_key":"press-4","summary":"Press 4 stopped","severity":"critical","service":"press-line","category":"production"}"#)
        try await publisher.flush()
        try await slack.wait(timeout: 60, "the alert's Slack message") { messages in messages.contains { $0.channel == "C0PRESS001" } }
        let message = try #require(slack.messages.first { $0.channel == "C0PRESS001" })
        #expect(slack.calls("chat.postMessage").first?.header("authorization") == "Bearer xoxb-acme", "acme's own Slack app")
        #expect(message.visibleText.contains("Press 4 stopped"))
        #expect(message.visibleText.contains("*Priority*\\ncritical"), "the route's priority")

        // The Acknowledge button, pressed by Bob (U0BOB), as Slack posts it: signed with acme's signing secret.
        let attachments = try #require(message.json["attachments"] as? [[String: Any]])
        let blocks = try #require(attachments.first?["blocks"] as? [[String: Any]])
        let buttons = try #require(blocks.first { $0["type"] as? String == "actions" }?["elements"] as? [[String: Any]])
        let acknowledge = try #require(buttons.first { $0["action_id"] as? String == "acknowledge" })
        let value = try #require(acknowledge["value"] as? String)
        let alertID = try #require((try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any])?["alert_id"] as? String)
        let payload: [String: Any] = [
            "type": "block_actions", "team": ["id": "T0ACME"], "user": ["id": "U0BOB", "team_id": "T0ACME"],
            "channel": ["id": "C0PRESS001"], "container": ["message_ts": message.ts],
            "actions": [["action_id": "acknowledge", "block_id": "alert_actions", "value": value, "action_ts": "1700000001.000100"]],
        ]
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        let body = Data(("payload=" + json.addingPercentEncoding(withAllowedCharacters: allowed)!).utf8)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signature = SlackSignature(secret: Self.signingSecret).sign(timestamp: timestamp, body: body)
        let url = "http://127.0.0.1:\(gateway.httpPort)/slack/actions"
        let forged = await HTTPProbe.post(url, headers: [("X-Slack-Signature", SlackSignature(secret: "guess").sign(timestamp: timestamp, body: body)),
                                                         ("X-Slack-Request-Timestamp", timestamp)], body: body)
        #expect(forged.status == 401)
        let pressed = await HTTPProbe.post(url, headers: [("X-Slack-Signature", signature), ("X-Slack-Request-Timestamp", timestamp),
                                                          ("Content-Type", "application/x-www-form-urlencoded")], body: body)
        #expect(pressed.status == 200)

        // The alert's retained state says Bob acknowledged it through Slack.
        let state = try BusRecorder(broker: broker, topics: ["alerting/alerts/acme/\(alertID)"])
        try await state.wait(timeout: 30, "the acknowledged state") { messages in
            messages.contains { (try? Envelope<Alert>.decode($0.payload).data.status) == .acknowledged }
        }
        let acknowledged = try #require(state.messages.compactMap { try? Envelope<Alert>.decode($0.payload).data }.last { $0.status == .acknowledged })
        #expect(acknowledged.acknowledgedBy == "bob")

        // The same Slack message, edited: who acknowledged, and no Acknowledge button any more.
        try await slack.wait(timeout: 30, "the message edited") { messages in
            messages.contains { $0.ts == message.ts && $0.visibleText.contains("*Acknowledged* by bob") }
        }
        let edited = try #require(slack.messages.first { $0.ts == message.ts })
        #expect(!edited.visibleText.contains(#""action_id":"acknowledge""#))
        #expect(slack.messages.filter { $0.channel == "C0PRESS001" }.count == 1, "the route's and the service's post are one message")
        let log = gateway.log
        #expect(log.contains("trace") || log.contains("debug"), "the gateway logged at trace level")
        #expect(log.contains("forged"), "the forged press is in the log")
        #expect(!log.contains("xoxb-acme") && !log.contains(Self.signingSecret), "no secret in the gateway's log")

        publisher.stop()
        state.stop()
        status.stop()
        for service in services.reversed() { _ = service.terminate() }
        slack.stop()
        broker.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aGatewayKilledAfterSlackTookAPostFindsItAndDoesNotPostItAgain() async throws {
        let directory = temporaryDirectory("slack-kill")
        let broker = try MosquittoBroker()
        let slack = try await SlackStandIn.start(channels: [("press-line", "C0PRESS001")])
        let config = try TestConfig.write(try Self.exampleConfig(slackAPI: slack.apiURL), in: directory)
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/#"])
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let gateway = try PipelineService(name: "slack-gateway", directory: directory, config: config, brokerURL: broker.url, logLevel: "warning",
                                          environment: ["ACME_SLACK_BOT_TOKEN": "xoxb-acme", "ACME_SLACK_SIGNING_SECRET": Self.signingSecret])
        try gateway.start()
        try await SystemHarness.waitForOnline("slack-gateway", status)

        // Slack takes the post at once but answers only after 30 s: the gateway is killed before it hears back.
        slack.delayAnswers(to: "chat.postMessage", by: 30)
        let alert = Alert(id: "alert-kill", tenant: "acme", dedupKey: "kill", severity: .critical, summary: "Press 4 stopped", service: "press-line",
                          createdAt: Date())
        let dispatch = DispatchRequest(dispatchId: "dispatch-kill", kind: .notify, event: .triggered, channel: "slack",
                                       recipient: Recipient(kind: .service, service: "press-line", address: "#press-line"),
                                       title: "[CRITICAL] Press 4 stopped", body: "Press 4 stopped", severity: .critical, alert: alert)
        let publisher = try BusPublisher(broker: broker)
        publisher.publish("alerting/dispatch/slack/acme",
                          try Envelope(id: dispatch.dispatchId, source: "alerting/router", tenant: "acme", data: dispatch).encoded())
        try await publisher.flush()
        try await slack.wait(timeout: 30, "the post in Slack") { $0.count == 1 }
        try await offThePool { gateway.kill() }
        #expect(receipts.messages.isEmpty, "killed before it could report")

        // Restarted, it asks Slack before posting again, finds the message by its metadata and reports it.
        slack.delayAnswers(to: "chat.postMessage", by: 0)
        let seen = status.messages.count
        try gateway.start()
        try await SystemHarness.waitForOnline("slack-gateway", status, after: seen)
        try await receipts.wait(timeout: 30, "the receipt") { messages in
            messages.contains { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts.contains { $0.dispatchId == "dispatch-kill" }) == true }
        }
        let receipt = try #require(receipts.messages.compactMap { try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts }.joined()
            .first { $0.dispatchId == "dispatch-kill" })
        #expect(receipt.status == .sent && receipt.providerRef == "C0PRESS001:\(slack.messages[0].ts)")
        #expect(slack.calls("chat.postMessage").count == 1, "posted once")
        #expect(slack.calls("conversations.history").count == 1)

        publisher.stop()
        receipts.stop()
        status.stop()
        _ = gateway.terminate()
        slack.stop()
        broker.stop()
    }
}
