// The one JSON encoding every service uses: RFC 3339 UTC times with milliseconds, sorted keys, unescaped slashes.
import Foundation

public enum JSONCoding {
    /// Foundation's encoder in the same configuration, for types that have no generated JSON path (service-local
    /// records, provider payloads).
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

    /// `JSONWriter` when the value writes itself (every bus message), Foundation otherwise. What the writer refuses
    /// (NaN, nesting deeper than 511 levels) is refused: its `EncodingError` is the answer.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let fast = value as? any JSONFastEncodable {
            var writer = JSONWriter()
            try fast.writeJSON(to: &writer)
            return writer.data
        }
        return try sharedEncoder.encode(value)
    }

    /// `JSONReader` when the type reads itself (every bus message), Foundation otherwise. A document the reader
    /// refuses is refused: there is no second opinion that could read it differently (see `JSONReader` for what
    /// it is stricter about than Foundation).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let fast = type as? any JSONFastDecodable.Type {
            return try decodeFast(fast, from: data) as! T
        }
        return try sharedDecoder.decode(type, from: data)
    }

    private static func decodeFast<F: JSONFastDecodable>(_ type: F.Type, from data: Data) throws -> F {
        try JSONReader.decode(type, from: data)
    }
}
