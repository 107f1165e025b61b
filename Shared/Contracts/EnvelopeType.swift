// The CloudEvents `type` of an envelope without decoding its payload: for topics that carry more than one kind of
// message (`alerting/receipts/{tenant}`: one receipt or a batch of them).
import Foundation

public enum EnvelopeType {
    /// Also what `Envelope` reads again to tell a message of another kind from a broken one.
    struct Head: JSONFastDecodable {
        var type: String?

        private enum Field: String, JSONFieldName {
            case type
            static let fieldTable = JSONFieldTable<Field>()
        }

        init(json reader: inout JSONReader) throws {
            // Every other key, `data` included, is skipped without building anything.
            var object = try reader.beginObject(Field.self)
            while let field = try reader.nextField(&object) {
                switch field {
                case .type: type = try reader.optionalString()
                }
            }
        }
    }

    /// The `type` of the JSON object in `payload`; nil when it is not a JSON object or has no string `type`.
    public static func of(_ payload: Data) -> String? {
        (try? JSONReader.decode(Head.self, from: payload))?.type ?? nil
    }
}
