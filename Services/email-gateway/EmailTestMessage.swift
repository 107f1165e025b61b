// The dispatch an operator's test send renders: marked as a test, to one address.
import Contracts
import Foundation

public enum EmailTestMessage {
    public static func dispatch(tenant: String, to address: String, now: Date = Date()) -> DispatchRequest {
        let id = MessageID.make()
        let alert = Alert(id: "test-\(id)", tenant: tenant, dedupKey: "test-send", severity: .info,
                          summary: "Test message from the alerting e-mail gateway", createdAt: now)
        return DispatchRequest(dispatchId: "test-\(id)", kind: .notify, event: .triggered, channel: SMTPProvider.channel,
                               recipient: Recipient(kind: .user, address: address), title: "[TEST] Test message",
                               body: "This is a test sent by `email-gateway test-send`; no alert is open.", severity: .info,
                               alert: alert)
    }
}
