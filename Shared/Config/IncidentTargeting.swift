// Who receives an alert when its route names no roles.

public struct IncidentTargeting: Sendable, Equatable, Codable {
    public enum Mode: String, ConfigEnum {
        /// Users who own at least one of the tenant's services.
        case usersWithServices = "users_with_services"
        /// Everyone (viewers only with `include_viewers`).
        case allMembers = "all_members"
        /// `specific_users` and everyone holding one of `specific_roles`.
        case specificUsers = "specific_users"
    }

    public var mode: Mode
    public var specificUsers: [String]
    public var specificRoles: [String]
    /// Notified first, in this order.
    public var priorityUsers: [String]
    public var includeViewers: Bool

    public init(mode: Mode = .usersWithServices, specificUsers: [String] = [], specificRoles: [String] = [],
                priorityUsers: [String] = [], includeViewers: Bool = false) {
        self.mode = mode
        self.specificUsers = specificUsers
        self.specificRoles = specificRoles
        self.priorityUsers = priorityUsers
        self.includeViewers = includeViewers
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode
        case specificUsers = "specific_users"
        case specificRoles = "specific_roles"
        case priorityUsers = "priority_users"
        case includeViewers = "include_viewers"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        mode = try r.value(.mode, default: .usersWithServices)
        specificUsers = try r.list(.specificUsers, default: [])
        specificRoles = try r.list(.specificRoles, default: [])
        priorityUsers = try r.list(.priorityUsers, default: [])
        includeViewers = try r.value(.includeViewers, default: false)
    }
}
