// The one way a closed set of YAML words decodes, so a bad word is reported with the choices.
import Contracts

/// A word from a fixed list (`first_available`, `critical`, `mon`…). A wrong word is
/// reported as `invalid value "x" (expected one of: …)` at its key path.
public protocol ConfigEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension ConfigEnum {
    public init(from decoder: any Decoder) throws {
        self = try ConfigWord<Self>(from: decoder).word
    }
}

/// A word of a closed set, decoded the one way: a `ConfigEnum`'s, or one declared in the message contracts
/// (`Severity`).
struct ConfigWord<Word: RawRepresentable & CaseIterable & Sendable>: Decodable, Sendable where Word.RawValue == String {
    let word: Word

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let word = Word(rawValue: text) else {
            let choices = Word.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid value \"\(text)\" (expected one of: \(choices))")
        }
        self.word = word
    }
}
