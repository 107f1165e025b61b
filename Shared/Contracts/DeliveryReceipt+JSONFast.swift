// `DeliveryReceipt` on the hand-written JSON path, mirroring its synthesized Codable.
import Foundation

extension DeliveryReceipt.Status: JSONStringEnum {}

extension DeliveryReceipt: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alertId = "alert_id"
        case attempt, channel
        case dispatchId = "dispatch_id"
        case error
        case httpStatus = "http_status"
        case providerRef = "provider_ref"
        case recipient, status
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("alert_id", alertId)
        writer.field("attempt", attempt)
        writer.field("channel", channel)
        writer.field("dispatch_id", dispatchId)
        writer.field("error", error)
        writer.field("http_status", httpStatus)
        writer.field("provider_ref", providerRef)
        try writer.field("recipient", recipient)
        try writer.field("status", status)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var dispatchId: String?
        var alertId: String?
        var channel: String?
        var status: Status?
        var attempt: Int?
        var httpStatus: Int?
        var error: String?
        var providerRef: String?
        var recipient: Recipient?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alertId: alertId = try reader.string()
            case .attempt: attempt = try reader.int()
            case .channel: channel = try reader.string()
            case .dispatchId: dispatchId = try reader.string()
            case .error: error = try reader.optionalString()
            case .httpStatus: httpStatus = try reader.optionalInt()
            case .providerRef: providerRef = try reader.optionalString()
            case .recipient: recipient = try reader.optional(Recipient.self)
            case .status: status = try reader.decode(Status.self)
            }
        }
        self.init(dispatchId: try reader.required(dispatchId, Field.dispatchId), alertId: try reader.required(alertId, Field.alertId),
                  channel: try reader.required(channel, Field.channel), status: try reader.required(status, Field.status),
                  attempt: try reader.required(attempt, Field.attempt), httpStatus: httpStatus, error: error,
                  providerRef: providerRef, recipient: recipient)
    }
}
