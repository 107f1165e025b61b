// `Envelope` on the JSONWriter/JSONReader path when its payload is on it too (every bus message is), with the
// defaults and the `wrong_type` check of `Envelope.init(from:)`.
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
            case .data:
                do {
                    data = try reader.decode(Payload.self)
                } catch let error as DecodingError where type == nil {
                    // Our own messages put `data` before `type`: a message of another kind usually fails here, and
                    // is refused for its type all the same.
                    try Self.refuseIfOfAnotherKind(&reader)
                    throw error
                }
            case .datacontenttype: datacontenttype = try reader.optionalString()
            case .dataversion: dataversion = try reader.optionalInt()
            case .id: id = try reader.string()
            case .source: source = try reader.optionalString()
            case .specversion: specversion = try reader.optionalString()
            case .tenant: tenant = try reader.string()
            case .time: time = try reader.optionalDate()
            case .type:
                type = try reader.string()
                if type != Payload.eventType { try Self.refuseIfOfAnotherKind(&reader) }
            }
        }
        // In the order of `init(from:)`, so that a message missing several things is refused for the same one.
        let checkedID = try reader.required(id, EnvelopeField.id)
        let checkedType = try reader.required(type, EnvelopeField.type)
        guard checkedType == Payload.eventType else { throw Self.wrongType(checkedType) }
        let checkedTenant = try reader.required(tenant, EnvelopeField.tenant)
        let checkedData = try reader.required(data, EnvelopeField.data)
        self.init(id: checkedID, source: source ?? "", tenant: checkedTenant, time: time ?? Date(), data: checkedData)
        self.specversion = specversion ?? "1.0"
        self.type = checkedType
        self.dataversion = dataversion ?? 1
        self.datacontenttype = datacontenttype ?? "application/json"
    }

    /// Throws `wrong_type` when the document is a well-formed object whose `type` is another message's: the whole
    /// object is read again (from its first byte) for its `type`, and the reader is left at its end, so that only
    /// whatever follows the object can still make it malformed.
    private static func refuseIfOfAnotherKind(_ reader: inout JSONReader) throws {
        var whole = reader.rewound()
        guard let head = try? EnvelopeType.Head(json: &whole), let type = head.type, type != Payload.eventType else { return }
        reader = whole
        throw wrongType(type)
    }

    private static func wrongType(_ type: String) -> ContractError {
        ContractError(code: "wrong_type", message: "expected \(Payload.eventType), got \(type.prefix(80))")
    }
}
