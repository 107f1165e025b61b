// One rotation of a schedule: who takes turns, from when, how long each turn lasts.
import Foundation

public struct ScheduleLayer: Sendable, Equatable, Codable {
    public var name: String
    /// The first turn starts here.
    public var start: Date
    /// Length of one turn.
    public var rotation: ConfigDuration
    /// In turn order.
    public var users: [String]
    /// When set, the layer is on call only inside this window.
    public var restrict: LayerRestriction?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, start, rotation, users, restrict
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        name = try r.value(.name, default: "")
        start = try r.required(.start, placeholder: RFC3339Timestamp(Date(timeIntervalSince1970: 0))).date
        rotation = try r.value(.rotation, default: .days(7))
        users = try r.list(.users, default: [])
        restrict = try r.optional(.restrict)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(RFC3339Timestamp(start), forKey: .start)
        try container.encode(rotation, forKey: .rotation)
        try container.encode(users, forKey: .users)
        try container.encodeIfPresent(restrict, forKey: .restrict)
    }
}
