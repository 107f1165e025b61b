// The retained in-app inbox of one user, on `alerting/inbox/{tenant}/{user}`.
import Foundation

public struct InboxItem: Codable, Sendable, Equatable {
    public var id: String
    public var alertId: String
    public var title: String
    public var body: String
    public var severity: Severity
    public var at: Date
    /// Read by its user. Reading does not acknowledge the alert: it is recorded (the dispatch's status `read`) and
    /// escalation goes on until someone acknowledges.
    public var read: Bool
    /// What the item is: `alert` (an alert's first notification), `escalation` (an escalation step paged the user),
    /// `integration` (an integration's health).
    public var type: String?
    /// The route's priority: low, normal, high, critical.
    public var priority: String?
    /// Where to look: the alert's first link.
    public var link: String?
    /// The alert's status as last known: triggered, acknowledged, resolved; with who changed it and when.
    public var status: String?
    public var statusBy: String?
    public var statusAt: Date?
    /// The escalation level the alert has reached.
    public var level: Int?

    public init(id: String, alertId: String, title: String, body: String, severity: Severity, at: Date, read: Bool = false,
                type: String? = nil, priority: String? = nil, link: String? = nil, status: String? = nil, statusBy: String? = nil,
                statusAt: Date? = nil, level: Int? = nil) {
        self.id = id
        self.alertId = alertId
        self.title = title
        self.body = body
        self.severity = severity
        self.at = at
        self.read = read
        self.type = type
        self.priority = priority
        self.link = link
        self.status = status
        self.statusBy = statusBy
        self.statusAt = statusAt
        self.level = level
    }

    enum CodingKeys: String, CodingKey {
        case id, title, body, severity, at, read, type, priority, link, status, level
        case alertId = "alert_id"
        case statusBy = "status_by"
        case statusAt = "status_at"
    }
}

public struct InboxSnapshot: EnvelopePayload {
    public static let eventType = "alerting.inbox"
    public var user: String
    public var unread: Int
    public var items: [InboxItem]
    public init(user: String, unread: Int, items: [InboxItem]) { self.user = user; self.unread = unread; self.items = items }
}
