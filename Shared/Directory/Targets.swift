// Turning names into people at an instant: escalation targets, route roles and incident targeting.
import Config
import Contracts
import Foundation

public enum Targets {
    /// The users a target names at `instant`: a schedule's on-call users (every active layer), a team's lead
    /// (or the whole team without one), everyone holding a role, or one user. Unknown names resolve to nobody.
    public static func resolve(_ target: EscalationTargetRef, in directory: TenantDirectory, at instant: Date) -> [User] {
        if let id = target.schedule {
            guard let schedule = directory.tenant.schedule(id: id) else { return [] }
            return OnCall.users(of: schedule, at: instant).compactMap(directory.user(id:))
        }
        if let id = target.team {
            guard let team = directory.tenant.team(id: id) else { return [] }
            if target.onlyLead == true, let lead = team.lead, let user = directory.user(id: lead) { return [user] }
            return team.members.compactMap(directory.user(id:))
        }
        if let role = target.role { return directory.users(withRole: role) }
        if let id = target.user { return directory.user(id: id).map { [$0] } ?? [] }
        return []
    }

    public static func resolve(_ target: EscalationTarget, in directory: TenantDirectory, at instant: Date) -> [User] {
        resolve(reference(target), in: directory, at: instant)
    }

    public static func reference(_ target: EscalationTarget) -> EscalationTargetRef {
        switch target.kind {
        case .schedule: EscalationTargetRef(schedule: target.id)
        case .team: EscalationTargetRef(team: target.id, onlyLead: target.onlyLead)
        case .role: EscalationTargetRef(role: target.id)
        case .user: EscalationTargetRef(user: target.id)
        }
    }

    /// Incident targeting: `priority_users` first in their order, then the mode's users (`users_with_services`: owners of
    /// the alert's service before other service owners; `all_members`; `specific_users` and `specific_roles`),
    /// viewers only with `include_viewers` and nobody who opted out of incident notifications, priority users included.
    public static func incident(for alert: Alert, in directory: TenantDirectory) -> [User] {
        let targeting = directory.tenant.incidentTargeting
        let users = directory.tenant.users
        var ordered: [User] = targeting.priorityUsers.compactMap(directory.user(id:))
        var modeUsers: [User] = []
        switch targeting.mode {
        case .usersWithServices:
            if let serviceID = alert.service, let service = directory.service(id: serviceID) {
                modeUsers += service.owners.compactMap(directory.user(id:))
            }
            modeUsers += directory.serviceOwnerIndexes.map { users[$0] }
        case .allMembers:
            modeUsers = users
        case .specificUsers:
            modeUsers = targeting.specificUsers.compactMap(directory.user(id:))
                + targeting.specificRoles.flatMap { directory.users(withRole: $0) }
        }
        ordered += modeUsers
        // Priority users are held to the same allowed set as everyone: no viewers unless included, no opt-outs.
        var seen = Set<String>()
        return ordered.filter { (targeting.includeViewers || !isViewer($0)) && $0.receiveIncidentNotifications && seen.insert($0.id).inserted }
    }

    /// A viewer holds the `viewer` role and nothing that makes them a responder.
    public static func isViewer(_ user: User) -> Bool { user.roles.contains("viewer") }

    /// The tenant's admins (`integration_notifications.admins`: a role and/or users): the last resort when an
    /// alert would reach nobody. Opt-outs do not apply here; someone must hear of it.
    public static func admins(in directory: TenantDirectory) -> [User] {
        let admins = directory.tenant.integrationNotifications.admins
        var seen = Set<String>()
        return ((admins.role.map { directory.users(withRole: $0) } ?? []) + admins.users.compactMap(directory.user(id:)))
            .filter { seen.insert($0.id).inserted }
    }
}
