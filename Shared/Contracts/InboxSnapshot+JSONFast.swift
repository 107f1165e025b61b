// `InboxSnapshot` and `InboxItem` on the hand-written JSON path, mirroring their synthesized Codable.
import Foundation

extension InboxItem: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alertId = "alert_id"
        case at, body, id, level, link, priority, read, severity, status
        case statusAt = "status_at"
        case statusBy = "status_by"
        case title, type
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("alert_id", alertId)
        writer.field("at", at)
        writer.field("body", body)
        writer.field("id", id)
        writer.field("level", level)
        writer.field("link", link)
        writer.field("priority", priority)
        writer.field("read", read)
        try writer.field("severity", severity)
        writer.field("status", status)
        writer.field("status_at", statusAt)
        writer.field("status_by", statusBy)
        writer.field("title", title)
        writer.field("type", type)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var id: String?
        var alertId: String?
        var title: String?
        var body: String?
        var severity: Severity?
        var at: Date?
        var read: Bool?
        var type: String?
        var priority: String?
        var link: String?
        var status: String?
        var statusBy: String?
        var statusAt: Date?
        var level: Int?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alertId: alertId = try reader.string()
            case .at: at = try reader.date()
            case .body: body = try reader.string()
            case .id: id = try reader.string()
            case .level: level = try reader.optionalInt()
            case .link: link = try reader.optionalString()
            case .priority: priority = try reader.optionalString()
            case .read: read = try reader.bool()
            case .severity: severity = try reader.decode(Severity.self)
            case .status: status = try reader.optionalString()
            case .statusAt: statusAt = try reader.optionalDate()
            case .statusBy: statusBy = try reader.optionalString()
            case .title: title = try reader.string()
            case .type: type = try reader.optionalString()
            }
        }
        self.init(id: try reader.required(id, Field.id), alertId: try reader.required(alertId, Field.alertId),
                  title: try reader.required(title, Field.title), body: try reader.required(body, Field.body),
                  severity: try reader.required(severity, Field.severity), at: try reader.required(at, Field.at),
                  read: try reader.required(read, Field.read), type: type, priority: priority, link: link, status: status,
                  statusBy: statusBy, statusAt: statusAt, level: level)
    }
}

extension InboxSnapshot: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case items, unread, user
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("items", items)
        writer.field("unread", unread)
        writer.field("user", user)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var user: String?
        var unread: Int?
        var items: [InboxItem]?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .items: items = try reader.array(of: InboxItem.self)
            case .unread: unread = try reader.int()
            case .user: user = try reader.string()
            }
        }
        self.init(user: try reader.required(user, Field.user), unread: try reader.required(unread, Field.unread),
                  items: try reader.required(items, Field.items))
    }
}
