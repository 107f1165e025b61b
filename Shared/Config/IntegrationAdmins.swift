// Who counts as a tenant admin for integration notifications.

public struct IntegrationAdmins: Sendable, Equatable, Codable {
    /// Everyone holding this role.
    public var role: String?
    /// And these users.
    public var users: [String]

    public init(role: String? = "admin", users: [String] = []) {
        self.role = role
        self.users = users
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, users
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        users = try r.list(.users, default: [])
        // A mapping naming only users means exactly those users.
        role = try r.optional(.role) ?? (users.isEmpty ? "admin" : nil)
    }
}
