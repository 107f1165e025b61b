// An on-call schedule: layers of rotations, all active layers on call at once.
import Foundation

public struct Schedule: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// IANA name; restriction times are read in this zone.
    public var timeZone: String
    public var layers: [ScheduleLayer]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name
        case timeZone = "time_zone"
        case layers
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        timeZone = try r.value(.timeZone, default: "UTC")
        layers = try r.list(.layers, default: [])
    }

    /// The zone of `timeZone`; validation guarantees it exists, UTC otherwise.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}
