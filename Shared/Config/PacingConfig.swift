// One destination's pacing as written: a token bucket of `burst` that refills at `per_second` (0: no limit).

public struct PacingConfig: Sendable, Equatable, Codable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case perSecond = "per_second"
        case burst
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        perSecond = try r.value(.perSecond, default: 0)
        burst = try r.value(.burst, default: 1)
    }
}
