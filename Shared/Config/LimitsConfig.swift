// Limits that protect the services from oversized input.

public struct LimitsConfig: Sendable, Equatable, Codable {
    /// Intake messages larger than this are rejected.
    public var maxPayloadBytes: Int

    public init(maxPayloadBytes: Int = 65536) { self.maxPayloadBytes = maxPayloadBytes }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxPayloadBytes = "max_payload_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        maxPayloadBytes = try r.value(.maxPayloadBytes, default: 65536)
    }
}
