// The escalator's stored state row on the hand-written JSON path: the same bytes its synthesized Codable writes.
import Contracts
import Foundation

extension EscalationStatus: JSONStringEnum {}

extension EscalationRecords.StoredState: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alert, deadlineLevel, level, status
        static let fieldTable = JSONFieldTable<Field>()
    }

    func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("alert", alert)
        writer.field("deadlineLevel", deadlineLevel)
        writer.field("level", level)
        try writer.field("status", status)
        writer.endObject()
    }

    init(json reader: inout JSONReader) throws {
        var alert: Alert?
        var status: EscalationStatus?
        var level: Int?
        var deadlineLevel: Int?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alert: alert = try reader.decode(Alert.self)
            case .deadlineLevel: deadlineLevel = try reader.int()
            case .level: level = try reader.int()
            case .status: status = try reader.decode(EscalationStatus.self)
            }
        }
        self.init(alert: try reader.required(alert, Field.alert), status: try reader.required(status, Field.status),
                  level: try reader.required(level, Field.level), deadlineLevel: try reader.required(deadlineLevel, Field.deadlineLevel))
    }
}
