// The retained in-app inbox of one user, on `alerting/inbox/{tenant}/{user}`.
import Foundation

public struct InboxItem: Codable, Sendable, Equatable {
    public var id: String
    public var alertId: String
    public var title: String
    public var body: String
    public var severity: Severity
    public var at: Date
    public var read: Bool

    public init(id: String, alertId: String, title: String, body: String, severity: Severity, at: Date, read: Bool = false) {
        self.id = id
        self.alertId = alertId
        self.title = title
        self.body = body
        self.severity = severity
        self.at = at
        self.read = read
    }

    enum CodingKeys: String, CodingKey {
        case id, title, body, severity, at, read
        case alertId = "alert_id"
    }
}

public struct InboxSnapshot: EnvelopePayload {
    public static let eventType = "alerting.inbox"
    public var user: String
    public var unread: Int
    public var items: [InboxItem]
    public init(user: String, unread: Int, items: [InboxItem]) { self.user = user; self.unread = unread; self.items = items }
}
