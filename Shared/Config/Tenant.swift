// One tenant: its directory (users, teams, schedules, services), routing and escalation settings.

public struct Tenant: Sendable, Equatable, Codable {
    /// One MQTT topic segment.
    public var id: String
    public var name: String
    /// A disabled tenant's intake is rejected.
    public var enabled: Bool
    public var channels: TenantChannels
    public var users: [User]
    public var teams: [Team]
    public var schedules: [Schedule]
    public var services: [ServiceConfig]
    public var escalationPolicies: [EscalationPolicy]
    public var routes: [Route]
    /// Roles notified by a route's top escalation (`escalate_to_top_after`).
    public var topRoles: [String]
    public var incidentTargeting: IncidentTargeting
    public var deadlineEscalation: DeadlineEscalation
    public var integrationNotifications: IntegrationNotifications

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, enabled, channels, users, teams, schedules, services
        case escalationPolicies = "escalation_policies"
        case routes
        case topRoles = "top_roles"
        case incidentTargeting = "incident_targeting"
        case deadlineEscalation = "deadline_escalation"
        case integrationNotifications = "integration_notifications"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        enabled = try r.value(.enabled, default: true)
        channels = try r.value(.channels, default: TenantChannels())
        users = try r.list(.users, default: [])
        teams = try r.list(.teams, default: [])
        schedules = try r.list(.schedules, default: [])
        services = try r.list(.services, default: [])
        escalationPolicies = try r.list(.escalationPolicies, default: [])
        routes = try r.list(.routes, default: [])
        topRoles = try r.list(.topRoles, default: [])
        incidentTargeting = try r.value(.incidentTargeting, default: IncidentTargeting())
        deadlineEscalation = try r.value(.deadlineEscalation, default: DeadlineEscalation())
        integrationNotifications = try r.value(.integrationNotifications, default: IntegrationNotifications())
    }
}
