// The gateway under test over a real broker, a real SQLite file and a fake Twilio: dispatches in, receipts and acks
// recorded, callbacks made as Twilio makes them.
import Contracts
import Foundation
import GatewayKit
import ServiceKit
import SMSWhatsAppGateway
import TestSupport

struct TwilioGatewayTestbed {
    static let publicBaseURL = "https://alerts.test.example"
    static let environment = ["TW_SID": "ACglobal0000", "TW_TOKEN": "global-token", "GX_SID": "ACglobex0000", "GX_TOKEN": "globex-token"]

    static func config(apiURL: String, template: Bool = true) -> String {
        """
        http:
          public_base_url: \(publicBaseURL)
        channels:
          twilio:
            api_url: \(apiURL)
            account_sid_env: TW_SID
            auth_token_env: TW_TOKEN
            sms_from: "+15005550006"
            whatsapp_from: "+14155238886"
            \(template ? "whatsapp_template_sid: HXtemplate0001" : "")
            fallback_to_sms: true
        tenants:
          - id: acme
            users:
              - {id: bob, roles: [admin], phone: "+15551230002", channels: [sms]}
              - {id: carol, roles: [admin], phone: "+15551230003", whatsapp: "+15551230003", channels: [whatsapp]}
          - id: globex
            channels:
              twilio: {account_sid_env: GX_SID, auth_token_env: GX_TOKEN, sms_from: "+15005550099", fallback_to_sms: false}
            users:
              - {id: gina, roles: [admin], phone: "+15559870001", channels: [sms]}
        """
    }

    let directory: URL
    let broker: MosquittoBroker
    let twilio: FakeTwilio
    let gateway: InProcessService
    let receipts: BusRecorder
    let acks: BusRecorder
    let publisher: BusPublisher

    var gatewayURL: String { "http://127.0.0.1:\(gateway.runtime.httpPort ?? 0)" }

    static func start(_ name: String, template: Bool = true, retry: RetrySchedule = RetrySchedule(delays: [0.05, 0.1]),
                      clock: @escaping @Sendable () -> Date = { Date() }) async throws -> TwilioGatewayTestbed {
        let directory = temporaryDirectory(name)
        let broker = try MosquittoBroker()
        let twilio = try await FakeTwilio.start { TwilioSignature(authToken: $0).sign(url: $1, parameters: $2) }
        let config = try TestConfig.write(Self.config(apiURL: twilio.url, template: template), in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/+"])
        let acks = try BusRecorder(broker: broker, topics: ["alerting/ack/+/+"])
        let publisher = try BusPublisher(broker: broker)
        let gateway = try await startGateway(config: config, directory: directory, broker: broker, retry: retry, clock: clock)
        return TwilioGatewayTestbed(directory: directory, broker: broker, twilio: twilio, gateway: gateway, receipts: receipts, acks: acks,
                                    publisher: publisher)
    }

    /// The gateway alone, on the test's data directory: a second call is a restart.
    static func startGateway(config: URL, directory: URL, broker: MosquittoBroker, retry: RetrySchedule = RetrySchedule(delays: [0.05, 0.1]),
                             clock: @escaping @Sendable () -> Date = { Date() }) async throws -> InProcessService {
        let provider = TwilioProvider(environment: environment, timeout: 5, smsPacing: Pacing(perSecond: 50, burst: 50), retry: retry, clock: clock)
        let gateway = InProcessService(runtime: try SMSWhatsAppGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"), broker: broker,
                                                  clientID: "sms-whatsapp-gateway-under-test"))) {
            try await SMSWhatsAppGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2), installSignalHandlers: false)
        }
        try await gateway.waitUntilConnected()
        let deadline = Date().addingTimeInterval(10)
        while gateway.runtime.httpPort == nil, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        return gateway
    }

    func stop() async {
        publisher.stop()
        receipts.stop()
        acks.stop()
        await gateway.stop()
        twilio.stop()
        broker.stop()
    }

    func dispatch(_ request: DispatchRequest, tenant: String = "acme") throws {
        publisher.publish("alerting/dispatch/\(request.channel)/\(tenant)",
                          try Envelope(id: request.dispatchId, source: "alerting/router", tenant: tenant, data: request).encoded())
    }

    /// Every receipt so far, in order of arrival.
    var allReceipts: [DeliveryReceipt] {
        receipts.messages.flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }
    }

    func receipts(of dispatchId: String) -> [DeliveryReceipt] { allReceipts.filter { $0.dispatchId == dispatchId } }

    func waitForReceipt(_ dispatchId: String, _ status: DeliveryReceipt.Status, timeout: Double = 20) async throws -> DeliveryReceipt {
        try await receipts.wait(timeout: timeout, "a \(status) receipt of \(dispatchId)") { _ in
            receipts(of: dispatchId).contains { $0.status == status }
        }
        return receipts(of: dispatchId).last { $0.status == status }!
    }

    var allAcks: [(topic: String, command: AckCommand)] {
        acks.messages.compactMap { message in (try? JSONCoding.decode(AckCommand.self, from: message.payload)).map { (message.topic, $0) } }
    }

    func callback(_ message: FakeTwilio.Message, _ status: String, errorCode: Int? = nil, token: String = "global-token") async -> (status: Int, body: String) {
        await twilio.statusCallback(message, status: status, errorCode: errorCode, gateway: gatewayURL, authToken: token,
                                    publicBaseURL: Self.publicBaseURL)
    }

    func reply(from: String, body: String, to: String = "+15005550006", accountSid: String = "ACglobal0000", token: String = "global-token",
               messageSid: String? = nil) async -> (status: Int, body: String) {
        if let messageSid {
            return await twilio.inbound(from: from, to: to, body: body, accountSid: accountSid, gateway: gatewayURL, authToken: token,
                                        publicBaseURL: Self.publicBaseURL, messageSid: messageSid)
        }
        return await twilio.inbound(from: from, to: to, body: body, accountSid: accountSid, gateway: gatewayURL, authToken: token,
                                    publicBaseURL: Self.publicBaseURL)
    }
}
