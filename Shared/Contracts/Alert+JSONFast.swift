// `Alert` and its parts on the hand-written JSON path, mirroring `Alert.init(from:)` and the synthesized encoding.
import Foundation

extension AlertStatus: JSONStringEnum {}
extension IntakeFormat: JSONStringEnum {}
extension Severity: JSONStringEnum {}

extension AlertLink: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case href, text
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("href", href)
        writer.field("text", text)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var href: String?
        var text: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .href: href = try reader.string()
            case .text: text = try reader.optionalString()
            }
        }
        self.init(href: try reader.required(href, Field.href), text: text)
    }
}

extension Alert: JSONFastCodable {
    /// In the byte order of the names, as the writer below emits them.
    private enum Field: String, JSONFieldName {
        case acknowledgedAt = "acknowledged_at"
        case acknowledgedBy = "acknowledged_by"
        case category, count
        case createdAt = "created_at"
        case deadline
        case dedupKey = "dedup_key"
        case details, format, id
        case lastSeenAt = "last_seen_at"
        case level, links
        case nextEscalationAt = "next_escalation_at"
        case resolvedAt = "resolved_at"
        case resolvedBy = "resolved_by"
        case service, severity, source, status, summary, tenant, type
        case updatedAt = "updated_at"
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("acknowledged_at", acknowledgedAt)
        writer.field("acknowledged_by", acknowledgedBy)
        writer.field("category", category)
        writer.field("count", count)
        writer.field("created_at", createdAt)
        writer.field("deadline", deadline)
        writer.field("dedup_key", dedupKey)
        try writer.field("details", details)
        try writer.field("format", format)
        writer.field("id", id)
        writer.field("last_seen_at", lastSeenAt)
        writer.field("level", level)
        try writer.field("links", links)
        writer.field("next_escalation_at", nextEscalationAt)
        writer.field("resolved_at", resolvedAt)
        writer.field("resolved_by", resolvedBy)
        writer.field("service", service)
        try writer.field("severity", severity)
        writer.field("source", source)
        try writer.field("status", status)
        writer.field("summary", summary)
        writer.field("tenant", tenant)
        writer.field("type", type)
        writer.field("updated_at", updatedAt)
        writer.endObject()
    }

    /// The defaults of `init(from:)`: details and links empty, format native, count 1, level 0, updated and
    /// last seen at the creation time.
    public init(json reader: inout JSONReader) throws {
        var id: String?
        var tenant: String?
        var dedupKey: String?
        var status: AlertStatus?
        var severity: Severity?
        var summary: String?
        var category: String?
        var type: String?
        var service: String?
        var source: String?
        var deadline: Date?
        var details: [String: JSONValue]?
        var links: [AlertLink]?
        var format: IntakeFormat?
        var createdAt: Date?
        var updatedAt: Date?
        var lastSeenAt: Date?
        var count: Int?
        var acknowledgedBy: String?
        var acknowledgedAt: Date?
        var resolvedBy: String?
        var resolvedAt: Date?
        var level: Int?
        var nextEscalationAt: Date?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .acknowledgedAt: acknowledgedAt = try reader.optionalDate()
            case .acknowledgedBy: acknowledgedBy = try reader.optionalString()
            case .category: category = try reader.optionalString()
            case .count: count = try reader.optionalInt()
            case .createdAt: createdAt = try reader.date()
            case .deadline: deadline = try reader.optionalDate()
            case .dedupKey: dedupKey = try reader.string()
            case .details: details = try reader.optionalDictionary(of: JSONValue.self)
            case .format: format = try reader.optional(IntakeFormat.self)
            case .id: id = try reader.string()
            case .lastSeenAt: lastSeenAt = try reader.optionalDate()
            case .level: level = try reader.optionalInt()
            case .links: links = try reader.optionalArray(of: AlertLink.self)
            case .nextEscalationAt: nextEscalationAt = try reader.optionalDate()
            case .resolvedAt: resolvedAt = try reader.optionalDate()
            case .resolvedBy: resolvedBy = try reader.optionalString()
            case .service: service = try reader.optionalString()
            case .severity: severity = try reader.decode(Severity.self)
            case .source: source = try reader.optionalString()
            case .status: status = try reader.decode(AlertStatus.self)
            case .summary: summary = try reader.string()
            case .tenant: tenant = try reader.string()
            case .type: type = try reader.optionalString()
            case .updatedAt: updatedAt = try reader.optionalDate()
            }
        }
        let created = try reader.required(createdAt, Field.createdAt)
        self.init(id: try reader.required(id, Field.id), tenant: try reader.required(tenant, Field.tenant),
                  dedupKey: try reader.required(dedupKey, Field.dedupKey), status: try reader.required(status, Field.status),
                  severity: try reader.required(severity, Field.severity), summary: try reader.required(summary, Field.summary),
                  category: category, type: type, service: service, source: source, deadline: deadline, details: details ?? [:],
                  links: links ?? [], format: format ?? .native, createdAt: created, count: count ?? 1)
        self.updatedAt = updatedAt ?? created
        self.lastSeenAt = lastSeenAt ?? created
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.level = level ?? 0
        self.nextEscalationAt = nextEscalationAt
    }
}
