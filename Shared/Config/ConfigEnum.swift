// The one way a closed set of YAML words decodes, so a bad word is reported with the choices.

/// A word from a fixed list (`first_available`, `critical`, `mon`…). A wrong word is
/// reported as `invalid value "x" (expected one of: …)` at its key path.
public protocol ConfigEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension ConfigEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            let choices = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid value \"\(word)\" (expected one of: \(choices))")
        }
        self = value
    }
}
