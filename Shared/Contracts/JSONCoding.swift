// The one JSON encoder/decoder configuration every service uses: RFC 3339 UTC times with milliseconds.
import Foundation

public enum JSONCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text.prefix(40))")
            }
            return date
        }
        return decoder
    }

    /// One configured instance each, shared by every thread: Foundation's JSONEncoder/JSONDecoder are
    /// `@unchecked Sendable` (their options sit behind a lock and every call encodes into fresh state), and
    /// building a new one per message showed up in profiles. Callers that want to change options use
    /// `encoder()` / `decoder()` for a private copy.
    private static let sharedEncoder = encoder()
    private static let sharedDecoder = decoder()

    /// The hand-written writer when the value has one (the same bytes, several times faster), Foundation otherwise.
    /// Should the writer refuse a value (NaN, nesting too deep), Foundation is asked instead and throws its own error.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let fast = value as? any JSONFastEncodable {
            var writer = JSONWriter()
            if (try? fast.writeJSON(to: &writer)) != nil { return writer.data }
        }
        return try sharedEncoder.encode(value)
    }

    /// The hand-written reader when the type has one, Foundation otherwise. The reader is stricter than Foundation
    /// (trailing commas, repeated keys, junk in keys nobody reads: see `JSONReader`), so a document it refuses goes
    /// to Foundation, which decodes it or throws the error callers have always seen. Only the envelope's
    /// `wrong_type`, raised after the whole document read cleanly, as Foundation would raise it, is thrown directly.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let fast = type as? any JSONFastDecodable.Type {
            do {
                return try decodeFast(fast, from: data) as! T
            } catch let error as ContractError {
                throw error
            } catch {
                // Foundation decides below.
            }
        }
        return try sharedDecoder.decode(type, from: data)
    }

    private static func decodeFast<F: JSONFastDecodable>(_ type: F.Type, from data: Data) throws -> F {
        try JSONReader.decode(type, from: data)
    }
}
