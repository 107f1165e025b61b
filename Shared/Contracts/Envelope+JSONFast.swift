// `Envelope` on the hand-written JSON path when its payload is on it too, mirroring `Envelope.init(from:)`.
import Foundation

/// The envelope's keys (at file scope: a type nested in the generic `Envelope` could not hold its table).
private enum EnvelopeField: String, JSONFieldName {
    case data, datacontenttype, dataversion, id, source, specversion, tenant, time, type
    static let fieldTable = JSONFieldTable<EnvelopeField>()
}

extension Envelope: JSONFastEncodable where Payload: JSONFastEncodable {
    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("data", data)
        writer.field("datacontenttype", datacontenttype)
        writer.field("dataversion", dataversion)
        writer.field("id", id)
        writer.field("source", source)
        writer.field("specversion", specversion)
        writer.field("tenant", tenant)
        writer.field("time", time)
        writer.field("type", type)
        writer.endObject()
    }
}

extension Envelope: JSONFastDecodable where Payload: JSONFastDecodable {
    /// The defaults and the `wrong_type` check of `init(from:)`. The payload is read where it stands (our own
    /// messages put `data` first), so a message of another kind usually fails reading it; `JSONCoding` then asks
    /// Foundation, which names the wrong type.
    public init(json reader: inout JSONReader) throws {
        var specversion: String?
        var id: String?
        var type: String?
        var source: String?
        var time: Date?
        var tenant: String?
        var dataversion: Int?
        var datacontenttype: String?
        var data: Payload?
        var object = try reader.beginObject(EnvelopeField.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .data: data = try reader.decode(Payload.self)
            case .datacontenttype: datacontenttype = try reader.optionalString()
            case .dataversion: dataversion = try reader.optionalInt()
            case .id: id = try reader.string()
            case .source: source = try reader.optionalString()
            case .specversion: specversion = try reader.optionalString()
            case .tenant: tenant = try reader.string()
            case .time: time = try reader.optionalDate()
            case .type: type = try reader.string()
            }
        }
        // In the order of `init(from:)`, so that a message missing several things is refused for the same one.
        let checkedID = try reader.required(id, EnvelopeField.id)
        let checkedType = try reader.required(type, EnvelopeField.type)
        guard checkedType == Payload.eventType else {
            throw ContractError(code: "wrong_type", message: "expected \(Payload.eventType), got \(checkedType.prefix(80))")
        }
        let checkedTenant = try reader.required(tenant, EnvelopeField.tenant)
        let checkedData = try reader.required(data, EnvelopeField.data)
        self.init(id: checkedID, source: source ?? "", tenant: checkedTenant, time: time ?? Date(), data: checkedData)
        self.specversion = specversion ?? "1.0"
        self.type = checkedType
        self.dataversion = dataversion ?? 1
        self.datacontenttype = datacontenttype ?? "application/json"
    }
}
