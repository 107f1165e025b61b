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
