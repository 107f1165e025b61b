// What a route matches on; a key left out matches anything.

public struct RouteMatch: Sendable, Equatable, Codable {
    public var category: String?
    public var type: String?

    public init(category: String? = nil, type: String? = nil) {
        self.category = category
        self.type = type
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case category, type
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        category = try r.optional(.category)
        type = try r.optional(.type)
    }

    public func matches(category: String?, type: String?) -> Bool {
        (self.category == nil || self.category == category) && (self.type == nil || self.type == type)
    }
}
