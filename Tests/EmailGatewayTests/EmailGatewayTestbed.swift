// The gateway under test over a real broker, a real SQLite file and a real local SMTP server: dispatches in, receipts
// recorded, every accepted mail kept by the server.
import Contracts
import EmailGateway
import Foundation
import GatewayKit
import ServiceKit
import TestSupport

struct EmailGatewayTestbed {
    static let from = "Acme Alerts <alerts@example.test>"

    static func config(smtp: SMTPRecorder, requireTLS: Bool, caFile: Bool) -> String {
        """
        channels:
          email:
            smtp_url_env: SMTP_URL
            from: "\(from)"
            require_tls: \(requireTLS)
            \(caFile ? "ca_file: \(smtp.caFile!.path)" : "")
        tenants:
          - id: acme
            users:
              - {id: bob, roles: [admin], email: bob@acme.example.test, channels: [email]}
          - id: globex
            channels:
              email: {smtp_url_env: GLOBEX_SMTP_URL, from: "Globex <noc@globex.example.test>"}
            users:
              - {id: gina, roles: [admin], email: gina@globex.example.test, channels: [email]}
        """
    }

    let directory: URL
    let broker: MosquittoBroker
    let smtp: SMTPRecorder
    let gateway: InProcessService
    let receipts: BusRecorder
    let publisher: BusPublisher

    /// - Parameter smtpURL: what SMTP_URL holds (default: the recorder's plain URL).
    static func start(_ name: String, security: SMTPRecorder.Security = .plain, requireTLS: Bool = false,
                      auth: (user: String, password: String)? = nil, rules: [SMTPRecorder.Rule] = [],
                      smtpURL: ((SMTPRecorder) -> String)? = nil, trustTestCA: Bool = true,
                      retry: RetrySchedule = RetrySchedule(delays: [0.05, 0.1, 0.1])) async throws -> EmailGatewayTestbed {
        let directory = temporaryDirectory(name)
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), security: security, auth: auth, rules: rules) }
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(Self.config(smtp: smtp, requireTLS: requireTLS, caFile: security != .plain && trustTestCA), in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/+"])
        let publisher = try BusPublisher(broker: broker)
        let url = smtpURL?(smtp) ?? smtp.url()
        let environment = ["SMTP_URL": url, "GLOBEX_SMTP_URL": url]
        let provider = SMTPProvider(environment: environment, timeout: 10, retry: retry)
        let gateway = InProcessService(runtime: try EmailGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"), broker: broker,
                                                  clientID: "email-gateway-under-test"))) {
            try await EmailGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2), installSignalHandlers: false)
        }
        try await gateway.waitUntilConnected()
        return EmailGatewayTestbed(directory: directory, broker: broker, smtp: smtp, gateway: gateway, receipts: receipts, publisher: publisher)
    }

    func stop() async {
        publisher.stop()
        receipts.stop()
        await gateway.stop()
        smtp.stop()
        broker.stop()
    }

    func dispatch(_ request: DispatchRequest, tenant: String = "acme") throws {
        publisher.publish("alerting/dispatch/email/\(tenant)",
                          try Envelope(id: request.dispatchId, source: "alerting/router", tenant: tenant, data: request).encoded())
    }

    var allReceipts: [DeliveryReceipt] {
        receipts.messages.flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }
    }

    func receipts(of dispatchId: String) -> [DeliveryReceipt] { allReceipts.filter { $0.dispatchId == dispatchId } }

    func waitForReceipt(_ dispatchId: String, _ status: DeliveryReceipt.Status, timeout: Double = 30) async throws -> DeliveryReceipt {
        try await receipts.wait(timeout: timeout, "a \(status) receipt of \(dispatchId)") { _ in
            receipts(of: dispatchId).contains { $0.status == status }
        }
        return receipts(of: dispatchId).last { $0.status == status }!
    }
}

func emailDispatch(dispatchId: String = "d-1", kind: DispatchRequest.Kind = .notify, event: AlertEvent.Kind = .triggered,
                   address: String = "bob@acme.example.test", user: String = "bob", name: String? = "Bob Lead",
                   alertId: String = "18c0000000-00000000a1b2", summary: String = "Press 4 stopped", providerRef: String? = nil,
                   tenant: String = "acme") -> DispatchRequest {
    var alert = Alert(id: alertId, tenant: tenant, dedupKey: "press4", severity: .critical, summary: summary, createdAt: Date())
    alert.service = "press-line"
    alert.source = "plc-7"
    alert.details = ["line": .number(4)]
    alert.links = [AlertLink(href: "https://example.test/p4", text: "Panel")]
    let title = kind == .notify ? "[CRITICAL] \(summary)" : "[ACKNOWLEDGED] \(summary)"
    let body = kind == .notify ? summary : "Acknowledged by alice."
    let actions = event == .resolved ? [] : [
        ActionLink(action: .acknowledge, token: "tok-ack", url: "https://alerts.example.test/a/tok-ack"),
        ActionLink(action: .resolve, token: "tok-res", url: "https://alerts.example.test/a/tok-res"),
    ]
    return DispatchRequest(dispatchId: dispatchId, kind: kind, event: event, channel: "email",
                           recipient: Recipient(kind: .user, user: user, address: address, name: name), title: title, body: body,
                           severity: .critical, links: alert.links, actions: actions, alert: alert, providerRef: providerRef)
}
