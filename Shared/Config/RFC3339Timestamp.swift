// Reads RFC 3339 times ("2026-11-02T09:00:00Z") whether or not the YAML quotes them.
import Contracts
import Foundation

/// Decodes through a string so both Yams 5 and 6 and quoted or bare timestamps behave the same.
struct RFC3339Timestamp: Codable, Sendable {
    let date: Date

    init(_ date: Date) { self.date = date }

    static func parse(_ text: String) -> Date? { RFC3339.date(from: text) }

    static func format(_ date: Date) -> String { RFC3339.string(from: date) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid time \"\(text)\" (write it as RFC 3339, like 2026-11-02T09:00:00Z)")
        }
        self.date = date
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.format(date))
    }
}
