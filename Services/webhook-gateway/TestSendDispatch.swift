// The dispatch a test send renders: marked as a test in its title, body and alert, with its own dispatch id.
import Contracts
import Foundation

public enum TestSendDispatch {
    public static func make(tenant: String, service: String, webhook: String, now: Date = Date()) -> DispatchRequest {
        let id = MessageID.make()
        let alert = Alert(id: "test-\(id)", tenant: tenant, dedupKey: "test-send-\(webhook)", severity: .info,
                          summary: "Test message from the alerting webhook gateway", service: service, createdAt: now)
        return DispatchRequest(dispatchId: "test-\(id)", kind: .notify, event: .triggered, channel: WebhookGatewayService.channel,
                               recipient: Recipient(kind: .service, service: service, address: webhook),
                               title: "[TEST] Test message for webhook \(webhook)",
                               body: "This is a test sent by `webhook-gateway test-send`; no alert is open.", severity: .info, alert: alert)
    }
}
