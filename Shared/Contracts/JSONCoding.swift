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

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try sharedEncoder.encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try sharedDecoder.decode(type, from: data) }
}
