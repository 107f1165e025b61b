// Escalation by the share of time elapsed between an alert's creation and its deadline.

public struct DeadlineEscalation: Sendable, Equatable, Codable {
    public enum StopOn: String, ConfigEnum {
        case acknowledge, resolve
    }

    public static let defaultThresholds = [50, 75, 90]
    /// Lead; owner + lead; platform admin + owner.
    public static let defaultLevels: [Int: DeadlineLevel] = [
        1: DeadlineLevel(roles: ["workstream_lead"]),
        2: DeadlineLevel(roles: ["program_owner", "workstream_lead"]),
        3: DeadlineLevel(roles: ["platform_admin", "program_owner"]),
    ]

    /// Percent of (deadline − created) elapsed; the n-th threshold fires level n.
    public var thresholds: [Int]
    public var levels: [Int: DeadlineLevel]
    /// Notices sent this long before the deadline ("deadline in 2 hours").
    public var notifyBefore: [ConfigDuration]
    public var stopOn: StopOn

    public init(thresholds: [Int] = DeadlineEscalation.defaultThresholds,
                levels: [Int: DeadlineLevel] = DeadlineEscalation.defaultLevels,
                notifyBefore: [ConfigDuration] = [], stopOn: StopOn = .resolve) {
        self.thresholds = thresholds
        self.levels = levels
        self.notifyBefore = notifyBefore
        self.stopOn = stopOn
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case thresholds, levels
        case notifyBefore = "notify_before"
        case stopOn = "stop_on"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        thresholds = try r.list(.thresholds, default: Self.defaultThresholds)
        var levels: [Int: DeadlineLevel] = [:]
        if let written = try r.map(.levels, of: DeadlineLevel.self) {
            for (name, level) in written {
                if let number = Int(name) {
                    levels[number] = level
                } else {
                    try r.report(.levels, "level \"\(name)\" is not a number")
                }
            }
            self.levels = levels
        } else {
            self.levels = Self.defaultLevels
        }
        notifyBefore = try r.list(.notifyBefore, default: [])
        stopOn = try r.value(.stopOn, default: .resolve)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(thresholds, forKey: .thresholds)
        var written = container.nestedContainer(keyedBy: AnyKey.self, forKey: .levels)
        for number in levels.keys.sorted() {
            try written.encode(levels[number], forKey: AnyKey(stringValue: String(number)))
        }
        try container.encode(notifyBefore, forKey: .notifyBefore)
        try container.encode(stopOn, forKey: .stopOn)
    }

    /// Level `number` (1 for the first threshold), if configured.
    public func level(_ number: Int) -> DeadlineLevel? { levels[number] }
}
