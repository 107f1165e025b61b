// The normalized alert and its lifecycle state, as ingest keeps it and publishes it retained.
import Foundation

public enum AlertStatus: String, Codable, Sendable, CaseIterable {
    case triggered, acknowledged, resolved
}

/// Which intake shape an alert arrived in.
public enum IntakeFormat: String, Codable, Sendable {
    case native, pagerduty, alertmanager
}

public struct AlertLink: Codable, Sendable, Equatable, Hashable {
    public var href: String
    public var text: String?
    public init(href: String, text: String? = nil) { self.href = href; self.text = text }
}

/// Retained on `alerting/alerts/{tenant}/{alert_id}`; also carried in lifecycle events and dispatches.
public struct Alert: EnvelopePayload {
    public static let eventType = "alerting.alert.state"

    public var id: String
    public var tenant: String
    public var dedupKey: String
    public var status: AlertStatus
    public var severity: Severity
    public var summary: String
    public var category: String?
    public var type: String?
    public var service: String?
    public var source: String?
    public var deadline: Date?
    public var details: [String: JSONValue]
    public var links: [AlertLink]
    public var format: IntakeFormat
    public var createdAt: Date
    public var updatedAt: Date
    public var lastSeenAt: Date
    /// How many triggers with this dedup key arrived while the alert was open.
    public var count: Int
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    /// Escalation level reached (0: first notification).
    public var level: Int
    public var nextEscalationAt: Date?

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

    enum CodingKeys: String, CodingKey {
        case id, tenant, status, severity, summary, category, type, service, source, deadline, details, links, format, count, level
        case dedupKey = "dedup_key"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastSeenAt = "last_seen_at"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case resolvedBy = "resolved_by"
        case resolvedAt = "resolved_at"
        case nextEscalationAt = "next_escalation_at"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        tenant = try c.decode(String.self, forKey: .tenant)
        dedupKey = try c.decode(String.self, forKey: .dedupKey)
        status = try c.decode(AlertStatus.self, forKey: .status)
        severity = try c.decode(Severity.self, forKey: .severity)
        summary = try c.decode(String.self, forKey: .summary)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        service = try c.decodeIfPresent(String.self, forKey: .service)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        deadline = try c.decodeIfPresent(Date.self, forKey: .deadline)
        details = try c.decodeIfPresent([String: JSONValue].self, forKey: .details) ?? [:]
        links = try c.decodeIfPresent([AlertLink].self, forKey: .links) ?? []
        format = try c.decodeIfPresent(IntakeFormat.self, forKey: .format) ?? .native
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        updatedAt = try c.decodeIfPresent(Date.self, forKey: .updatedAt) ?? createdAt
        lastSeenAt = try c.decodeIfPresent(Date.self, forKey: .lastSeenAt) ?? createdAt
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        acknowledgedBy = try c.decodeIfPresent(String.self, forKey: .acknowledgedBy)
        acknowledgedAt = try c.decodeIfPresent(Date.self, forKey: .acknowledgedAt)
        resolvedBy = try c.decodeIfPresent(String.self, forKey: .resolvedBy)
        resolvedAt = try c.decodeIfPresent(Date.self, forKey: .resolvedAt)
        level = try c.decodeIfPresent(Int.self, forKey: .level) ?? 0
        nextEscalationAt = try c.decodeIfPresent(Date.self, forKey: .nextEscalationAt)
    }

    public var isOpen: Bool { status != .resolved }
}
