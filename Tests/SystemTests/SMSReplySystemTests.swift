// From alert to delivered SMS to acknowledged alert by reply: ingest, router and the SMS and WhatsApp gateway over a real
// Mosquitto, Twilio played by a local server that calls back as Twilio does.
import Contracts
import Foundation
import GatewayKit
import Ingest
import ServiceKit
import SMSWhatsAppGateway
import Testing
import TestSupport

@Suite(.serialized) struct SMSReplySystemTests {
    static let publicBaseURL = "https://alerts.test.example"
    static let secrets = ["TW_SID": "ACsystem0000", "TW_TOKEN": "system-token"]

    @Test(.timeLimit(.minutes(3)))
    func anAlertReachesBobBySMSAndHisReplyAcknowledgesIt() async throws {
        let directory = temporaryDirectory("sms-reply-system")
        let broker = try MosquittoBroker()
        let twilio = try await FakeTwilio.start { TwilioSignature(authToken: $0).sign(url: $1, parameters: $2) }
        let config = try TestConfig.write("""
            http:
              public_base_url: \(Self.publicBaseURL)
            channels:
              twilio:
                api_url: \(twilio.url)
                account_sid_env: TW_SID
                auth_token_env: TW_TOKEN
                sms_from: "+15005550006"
            tenants:
              - id: acme
                users:
                  - {id: bob, roles: [admin], phone: "+15551230002", channels: [sms]}
                routes:
                  - {id: everything, match: {}, target_roles: [admin], channels: [sms]}
            """, in: directory)
        let states = try BusRecorder(broker: broker, topics: ["alerting/alerts/acme/+"])
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/+"])
        let publisher = try BusPublisher(broker: broker)
        let ingest = InProcessService(runtime: try IngestService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
            try await IngestService.run($0, installSignalHandlers: false)
        }
        let provider = TwilioProvider(environment: Self.secrets, timeout: 5)
        let gateway = InProcessService(runtime: try SMSWhatsAppGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("sms-whatsapp-gateway"), broker: broker))) {
            try await SMSWhatsAppGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2), installSignalHandlers: false)
        }
        // The router decides SMS is available from the Twilio secrets in its own environment.
        let router = try PipelineService(name: "router", directory: directory, config: config, brokerURL: broker.url, logLevel: "warning",
                                         environment: Self.secrets)
        try router.start()
        try await ingest.waitUntilConnected()
        try await gateway.waitUntilConnected()
        try await SystemHarness.waitForOnline("router", status)

        publisher.publish("alerting/in/acme/plc-7", #"{"summary":"Press 4 stopped","severity":"critical","dedup_key":"press4"}"#)
        try await publisher.flush()
        let sms = try await twilio.waitForSent(1, timeout: 30).first!
        #expect(sms.to == "+15551230002" && sms.from == "+15005550006" && sms.accountSid == "ACsystem0000")
        #expect(sms.form["Body"]?.hasPrefix("CRITICAL: Press 4 stopped") == true)
        #expect(sms.form["Body"]?.contains("Reply ACK") == true)

        // Twilio reports the SMS delivered; the receipt reaches the bus with its SID.
        let gatewayURL = "http://127.0.0.1:\(gateway.runtime.httpPort ?? 0)"
        #expect(await twilio.statusCallback(sms, status: "delivered", gateway: gatewayURL, authToken: "system-token",
                                            publicBaseURL: Self.publicBaseURL).status == 200)
        try await receipts.wait(timeout: 20, "the delivered receipt") { messages in
            let all: [DeliveryReceipt] = messages.flatMap { message -> [DeliveryReceipt] in
                (try? Envelope<DeliveryReceipts>.decode(message.payload).data.receipts) ?? []
            }
            return all.contains { (receipt: DeliveryReceipt) -> Bool in
                receipt.status == .delivered && receipt.providerRef == sms.sid && receipt.channel == "sms"
            }
        }

        // Bob answers "ack": the alert is acknowledged by bob, via sms.
        let reply = await twilio.inbound(from: "+15551230002", to: "+15005550006", body: "ack", accountSid: "ACsystem0000",
                                         gateway: gatewayURL, authToken: "system-token", publicBaseURL: Self.publicBaseURL)
        #expect(reply.status == 200 && reply.body.contains("Acknowledged: Press 4 stopped"))
        try await states.wait(timeout: 20, "the acknowledged state") { messages in
            let alerts: [Alert] = messages.compactMap { message -> Alert? in try? Envelope<Alert>.decode(message.payload).data }
            return alerts.contains { (alert: Alert) -> Bool in alert.status == .acknowledged && alert.acknowledgedBy == "bob" }
        }
        // The router tells bob by SMS that it is acknowledged (an update to the same recipient).
        let update = try await twilio.waitForSent(2, timeout: 20)[1]
        #expect(update.to == "+15551230002" && update.form["Body"]?.contains("Reply RESOLVE") == true)

        router.terminate()
        publisher.stop()
        states.stop()
        receipts.stop()
        status.stop()
        await gateway.stop()
        await ingest.stop()
        twilio.stop()
        broker.stop()
    }
}

@Suite(.serialized) struct SMSSecretLoggingTests {
    static let token = "twilio-token-never-logged-6b1d"

    /// The gateway as a process at trace level, with its auth token in the environment: sent, retried, refused and
    /// forged traffic, and neither the token nor the basic-auth value it makes appears in its log.
    @Test(.timeLimit(.minutes(2)))
    func theAuthTokenNeverAppearsInTheGatewaysLog() async throws {
        let directory = temporaryDirectory("sms-secrets")
        let broker = try MosquittoBroker()
        let twilio = try await FakeTwilio.start { TwilioSignature(authToken: $0).sign(url: $1, parameters: $2) }
        twilio.answer { form in
            form["To"] == "+15550000500" ? .error(status: 500, code: 20500, message: "Internal Server Error") : .accept
        }
        let config = try TestConfig.write("""
            http:
              public_base_url: \(SMSReplySystemTests.publicBaseURL)
            channels:
              twilio: {api_url: "\(twilio.url)", account_sid_env: TW_SID, auth_token_env: TW_TOKEN, sms_from: "+15005550006"}
            tenants:
              - id: acme
                users:
                  - {id: bob, roles: [admin], phone: "+15551230002", channels: [sms]}
            """, in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/+"])
        let publisher = try BusPublisher(broker: broker)
        let gateway = try PipelineService(name: "sms-whatsapp-gateway", directory: directory, config: config, brokerURL: broker.url,
                                          logLevel: "trace", environment: ["TW_SID": "ACsecret0000", "TW_TOKEN": Self.token])
        try gateway.start()
        try await SystemHarness.waitForOnline("sms-whatsapp-gateway", status)

        for (id, to) in [("s-ok", "+15551230002"), ("s-down", "+15550000500")] {
            let alert = Alert(id: "18c0000000-00000000\(id == "s-ok" ? "0a0a" : "0b0b")", tenant: "acme", dedupKey: id, severity: .error,
                              summary: "Alert \(id)", createdAt: Date())
            let dispatch = DispatchRequest(dispatchId: id, kind: .notify, event: .triggered, channel: "sms",
                                           recipient: Recipient(kind: .user, user: "bob", address: to), title: "Alert \(id)", body: "Alert \(id)",
                                           severity: .error, alert: alert)
            publisher.publish("alerting/dispatch/sms/acme", try Envelope(id: id, source: "alerting/router", tenant: "acme", data: dispatch).encoded())
        }
        try await publisher.flush()
        let sent = try await twilio.waitForSent(1).first!
        let gatewayURL = "http://127.0.0.1:\(gateway.httpPort)"
        #expect(await twilio.statusCallback(sent, status: "delivered", gateway: gatewayURL, authToken: Self.token,
                                            publicBaseURL: SMSReplySystemTests.publicBaseURL).status == 200)
        #expect(await twilio.statusCallback(sent, status: "delivered", gateway: gatewayURL, authToken: "forged",
                                            publicBaseURL: SMSReplySystemTests.publicBaseURL).status == 403)
        _ = await twilio.inbound(from: "+15551230002", to: "+15005550006", body: "ACK", accountSid: "ACsecret0000", gateway: gatewayURL,
                                 authToken: Self.token, publicBaseURL: SMSReplySystemTests.publicBaseURL)
        try await receipts.wait(timeout: 20, "the delivered receipt") { messages in
            messages.contains { String(decoding: $0.payload, as: UTF8.self).contains("\"delivered\"") }
        }
        // The first retries of the failing number are in the log.
        let deadline = Date().addingTimeInterval(20)
        while twilio.messages.filter({ $0.to == "+15550000500" }).count < 2, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        gateway.terminate()
        let log = gateway.log
        #expect(log.contains("trace") || log.contains("debug"), "the gateway logged at trace level")
        #expect(twilio.messages.filter { $0.to == "+15550000500" }.count >= 2, "the failing number was retried")
        let basic = Data("ACsecret0000:\(Self.token)".utf8).base64EncodedString()
        #expect(!log.contains(Self.token), "the auth token is in the log")
        #expect(!log.contains(basic), "the basic-auth value is in the log")
        publisher.stop()
        receipts.stop()
        status.stop()
        twilio.stop()
        broker.stop()
    }
}
