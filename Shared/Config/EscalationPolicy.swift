// An escalation policy: steps that fire one after another, the chain repeated `repeat` more times.

public struct EscalationPolicy: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// How many more times the whole chain runs after the first pass.
    public var `repeat`: Int
    public var steps: [EscalationStep]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name
        case `repeat`
        case steps
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        `repeat` = try r.value(.repeat, default: 0)
        steps = try r.list(.steps, default: [])
    }
}
