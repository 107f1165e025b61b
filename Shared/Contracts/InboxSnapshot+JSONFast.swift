// `InboxSnapshot` and `InboxItem` on the hand-written JSON path, mirroring their synthesized Codable.
import Foundation

extension InboxItem: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alertId = "alert_id"
        case at, body, id, read, severity, title
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("alert_id", alertId)
        writer.field("at", at)
        writer.field("body", body)
        writer.field("id", id)
        writer.field("read", read)
        try writer.field("severity", severity)
        writer.field("title", title)
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
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alertId: alertId = try reader.string()
            case .at: at = try reader.date()
            case .body: body = try reader.string()
            case .id: id = try reader.string()
            case .read: read = try reader.bool()
            case .severity: severity = try reader.decode(Severity.self)
            case .title: title = try reader.string()
            }
        }
        self.init(id: try reader.required(id, Field.id), alertId: try reader.required(alertId, Field.alertId),
                  title: try reader.required(title, Field.title), body: try reader.required(body, Field.body),
                  severity: try reader.required(severity, Field.severity), at: try reader.required(at, Field.at),
                  read: try reader.required(read, Field.read))
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
