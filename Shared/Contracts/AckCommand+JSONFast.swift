// `AckCommand` on the hand-written JSON path, mirroring its synthesized Codable.
import Foundation

extension AckCommand.Action: JSONStringEnum {}

extension AckCommand: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case action, by, id, note, reason, via
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("action", action)
        writer.field("by", by)
        writer.field("id", id)
        writer.field("note", note)
        writer.field("reason", reason)
        writer.field("via", via)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var action: Action?
        var by: String?
        var via: String?
        var reason: String?
        var note: String?
        var id: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .action: action = try reader.decode(Action.self)
            case .by: by = try reader.optionalString()
            case .id: id = try reader.optionalString()
            case .note: note = try reader.optionalString()
            case .reason: reason = try reader.optionalString()
            case .via: via = try reader.optionalString()
            }
        }
        self.init(action: try reader.required(action, Field.action), by: by, via: via, reason: reason, note: note, id: id)
    }
}
