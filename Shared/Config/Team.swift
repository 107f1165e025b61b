// A team: its members and optional lead.

public struct Team: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var members: [String]
    /// Notified alone by `only_lead` targets; without a lead those notify the whole team.
    public var lead: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, members, lead
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        members = try r.list(.members, default: [])
        lead = try r.optional(.lead)
    }
}
