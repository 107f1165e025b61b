// `Rejection` on the hand-written JSON path, mirroring its synthesized Codable.
import Foundation

extension RejectionReason: JSONStringEnum {}

extension Rejection: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case excerpt, field, message, reason, topic
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("excerpt", excerpt)
        writer.field("field", field)
        writer.field("message", message)
        try writer.field("reason", reason)
        writer.field("topic", topic)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var reason: RejectionReason?
        var message: String?
        var field: String?
        var topic: String?
        var excerpt: String?
        var object = try reader.beginObject(Field.self)
        while let key = try reader.nextField(&object) {
            switch key {
            case .excerpt: excerpt = try reader.string()
            case .field: field = try reader.optionalString()
            case .message: message = try reader.string()
            case .reason: reason = try reader.decode(RejectionReason.self)
            case .topic: topic = try reader.string()
            }
        }
        self.init(reason: try reader.required(reason, Field.reason), message: try reader.required(message, Field.message),
                  field: field, topic: try reader.required(topic, Field.topic), excerpt: try reader.required(excerpt, Field.excerpt))
    }
}
