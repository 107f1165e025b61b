// The message a test send posts: marked as a test, to a channel or a user, through the tenant's Slack app.
import Contracts
import Foundation
import GatewayKit
import Store

public enum SlackTestSend {
    public static func dispatch(tenant: String, address: String, toUser: Bool, now: Date = Date()) -> DispatchRequest {
        let id = MessageID.make()
        let alert = Alert(id: "test-\(id)", tenant: tenant, dedupKey: "test-send-slack", severity: .info,
                          summary: "Test message from the alerting Slack gateway", createdAt: now)
        let recipient = toUser ? Recipient(kind: .user, address: address) : Recipient(kind: .service, address: address)
        return DispatchRequest(dispatchId: "test-\(id)", kind: .notify, event: .triggered, channel: SlackGatewayService.channel,
                               recipient: recipient, title: "[TEST] Test message for \(address)",
                               body: "This is a test sent by `slack-gateway test-send`; no alert is open.", severity: .info, alert: alert)
    }

    /// A provider over a throwaway table: a test send leaves nothing in the running gateway's.
    public static func provider() throws -> SlackProvider {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slack-test-send-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return SlackProvider(store: try Store(path: directory.appendingPathComponent("test-send.sqlite").path,
                                              migrations: GatewayRecords.migrations + SlackMessages.migrations))
    }
}
