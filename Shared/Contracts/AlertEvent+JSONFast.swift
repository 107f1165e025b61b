// `AlertEvent` on the hand-written JSON path, mirroring its synthesized Codable.
import Foundation

extension AlertEvent.Kind: JSONStringEnum {}

extension AlertEvent: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alert, by, kind, note, reason, via
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("alert", alert)
        writer.field("by", by)
        try writer.field("kind", kind)
        writer.field("note", note)
        writer.field("reason", reason)
        writer.field("via", via)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var kind: Kind?
        var alert: Alert?
        var by: String?
        var via: String?
        var reason: String?
        var note: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alert: alert = try reader.decode(Alert.self)
            case .by: by = try reader.optionalString()
            case .kind: kind = try reader.decode(Kind.self)
            case .note: note = try reader.optionalString()
            case .reason: reason = try reader.optionalString()
            case .via: via = try reader.optionalString()
            }
        }
        self.init(kind: try reader.required(kind, Field.kind), alert: try reader.required(alert, Field.alert),
                  by: by, via: via, reason: reason, note: note)
    }
}
