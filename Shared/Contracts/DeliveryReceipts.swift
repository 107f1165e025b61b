// Several delivery outcomes in one message, gateways → router, on `alerting/receipts/{tenant}`: a gateway that records
// its deliveries in batches reports each batch in one message instead of one per delivery (a broker hop, an outbox
// row, an inbox row and a transaction slot each). The router treats every receipt in it as if it came alone.
import Foundation

public struct DeliveryReceipts: EnvelopePayload {
    public static let eventType = "alerting.receipts"

    public var receipts: [DeliveryReceipt]

    public init(receipts: [DeliveryReceipt]) {
        self.receipts = receipts
    }
}

extension DeliveryReceipts: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case receipts
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("receipts", receipts)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var receipts: [DeliveryReceipt]?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .receipts: receipts = try reader.array(of: DeliveryReceipt.self)
            }
        }
        self.init(receipts: try reader.required(receipts, Field.receipts))
    }
}
