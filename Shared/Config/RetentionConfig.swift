// How long each service keeps the history of closed alerts: audit log, alert facts, deliveries, resolved alerts.

public struct RetentionConfig: Sendable, Equatable, Codable {
    /// History older than this (counted from an alert's resolution, a delivery's end) is pruned.
    public var keepFor: ConfigDuration

    /// A resolved alert's retained state is cleared a day after its resolution (`RetainedStateSweeper`); its row must
    /// outlive that, or the sweeper would never clear it.
    public static let minimum = ConfigDuration.days(1)

    public init(keepFor: ConfigDuration = .days(30)) { self.keepFor = keepFor }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keepFor = "keep_for"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        keepFor = try r.value(.keepFor, default: .days(30))
    }
}
