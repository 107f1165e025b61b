// Finding a tenant's users, teams, schedules, services and policies by name.

extension Tenant {
    public func user(id: String) -> User? { users.first { $0.id == id } }
    public func team(id: String) -> Team? { teams.first { $0.id == id } }
    public func schedule(id: String) -> Schedule? { schedules.first { $0.id == id } }
    public func service(id: String) -> ServiceConfig? { services.first { $0.id == id } }
    public func policy(id: String) -> EscalationPolicy? { escalationPolicies.first { $0.id == id } }
    public func route(id: String) -> Route? { routes.first { $0.id == id } }

    /// Everyone holding the role, in directory order.
    public func users(withRole role: String) -> [User] { users.filter { $0.roles.contains(role) } }

    /// Every role some user of the tenant holds.
    public var roles: Set<String> { Set(users.flatMap(\.roles)) }

    /// Users who own at least one service (incident targeting `users_with_services`), in directory order.
    public var serviceOwners: [User] {
        let owners = Set(services.flatMap(\.owners))
        return users.filter { owners.contains($0.id) }
    }

    /// The enabled routes matching an alert, in file order.
    public func routes(matchingCategory category: String?, type: String?) -> [Route] {
        routes.filter { $0.matches(category: category, type: type) }
    }

    /// The escalation policy of a service, if it names one.
    public func policy(forService serviceID: String) -> EscalationPolicy? {
        service(id: serviceID)?.escalationPolicy.flatMap { policy(id: $0) }
    }
}
