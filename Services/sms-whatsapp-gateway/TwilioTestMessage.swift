// The dispatch an operator's test send renders: marked as a test, to one number, on SMS or WhatsApp.
import Contracts
import Foundation

public enum TwilioTestMessage {
    public static func dispatch(tenant: String, to number: String, channel: String, now: Date = Date()) -> DispatchRequest {
        let id = MessageID.make()
        let alert = Alert(id: "test-\(id)", tenant: tenant, dedupKey: "test-send", severity: .info,
                          summary: "Test message from the alerting SMS and WhatsApp gateway", createdAt: now)
        return DispatchRequest(dispatchId: "test-\(id)", kind: .notify, event: .triggered, channel: channel,
                               recipient: Recipient(kind: .user, address: number), title: "[TEST] Test message",
                               body: "This is a test sent by `sms-whatsapp-gateway test-send`; no alert is open.", severity: .info,
                               alert: alert)
    }
}
