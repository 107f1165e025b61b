// Limits that protect the services from oversized and excessive input.

public struct LimitsConfig: Sendable, Equatable, Codable {
    /// Intake messages larger than this are rejected.
    public var maxPayloadBytes: Int
    /// Intake messages a tenant may send per second, on average; the excess is rejected (`rate_limited`). 0, the
    /// default, is no limit: a rate fit for one deployment (a plant's PLCs, a monitoring stack) starves another.
    public var intakeRatePerTenant: Double
    /// Messages a tenant may send at once above the rate (the bucket's size).
    public var intakeBurstPerTenant: Int

    public static let defaultIntakeRate = 0.0
    public static let defaultIntakeBurst = 1000

    public init(maxPayloadBytes: Int = 65536, intakeRatePerTenant: Double = LimitsConfig.defaultIntakeRate,
                intakeBurstPerTenant: Int = LimitsConfig.defaultIntakeBurst) {
        self.maxPayloadBytes = maxPayloadBytes
        self.intakeRatePerTenant = intakeRatePerTenant
        self.intakeBurstPerTenant = intakeBurstPerTenant
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxPayloadBytes = "max_payload_bytes"
        case intakeRatePerTenant = "intake_rate_per_tenant"
        case intakeBurstPerTenant = "intake_burst_per_tenant"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        maxPayloadBytes = try r.value(.maxPayloadBytes, default: 65536)
        intakeRatePerTenant = try r.value(.intakeRatePerTenant, default: Self.defaultIntakeRate)
        intakeBurstPerTenant = try r.value(.intakeBurstPerTenant, default: Self.defaultIntakeBurst)
    }
}
