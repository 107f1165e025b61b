// The weekly window inside which a schedule layer is on call.

public struct LayerRestriction: Sendable, Equatable, Codable {
    public var days: [Weekday]
    public var from: TimeOfDay
    /// When `to` is not after `from` the window runs past midnight.
    public var to: TimeOfDay

    enum CodingKeys: String, CodingKey, CaseIterable {
        case days, from, to
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        days = try r.list(.days, default: Weekday.allCases)
        from = try r.value(.from, default: TimeOfDay(hour: 0, minute: 0)!)
        to = try r.value(.to, default: TimeOfDay(hour: 24, minute: 0)!)
    }
}
