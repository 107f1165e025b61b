// The normalized alert and its lifecycle state, as ingest keeps it and publishes it retained. Its fields, and those of
// `AlertLink`, `AlertStatus` and `IntakeFormat`, are generated from docs/asyncapi.yaml (docs/contracts.md).
import Foundation

extension Alert {
    /// A new alert: triggered, at level 0, updated and last seen when it was created.
    public init(id: String, tenant: String, dedupKey: String, status: AlertStatus = .triggered, severity: Severity,
                summary: String, category: String? = nil, type: String? = nil, service: String? = nil,
                source: String? = nil, deadline: Date? = nil, details: [String: JSONValue] = [:],
                links: [AlertLink] = [], format: IntakeFormat = .native, createdAt: Date, count: Int = 1) {
        self.id = id
        self.tenant = tenant
        self.dedupKey = dedupKey
        self.status = status
        self.severity = severity
        self.summary = summary
        self.category = category
        self.type = type
        self.service = service
        self.source = source
        self.deadline = deadline
        self.details = details
        self.links = links
        self.format = format
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.lastSeenAt = createdAt
        self.count = count
        self.level = 0
    }

    public var isOpen: Bool { status != .resolved }
}
