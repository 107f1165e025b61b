// The checks inside one tenant: unique ids and every reference to a user, team, schedule, policy or role.
import Foundation

struct TenantValidator {
    let tenant: Tenant
    /// `tenants[i]`
    let base: String
    let userIDs: Set<String>
    let roles: Set<String>

    init(tenant: Tenant, base: String) {
        self.tenant = tenant
        self.base = base
        self.userIDs = Set(tenant.users.map(\.id))
        self.roles = tenant.roles
    }

    func check(into v: inout ConfigValidator) {
        checkUsers(&v)
        checkTeams(&v)
        checkSchedules(&v)
        checkServices(&v)
        checkPolicies(&v)
        checkRoutes(&v)
        for (index, role) in tenant.topRoles.enumerated() {
            checkRole(role, at: "\(base).top_roles[\(index)]", &v)
        }
        checkIncidentTargeting(&v)
        checkDeadlineEscalation(&v)
        checkIntegrationNotifications(&v)
    }

    // MARK: References

    private func checkUser(_ id: String, at path: String, _ v: inout ConfigValidator) {
        if !userIDs.contains(id) { v.fail(path, .unknownReference, "unknown user \"\(id)\"") }
    }

    private func checkRole(_ role: String, at path: String, _ v: inout ConfigValidator) {
        if !roles.contains(role) {
            v.fail(path, .unknownReference, "unknown role \"\(role)\": no user of tenant \"\(tenant.id)\" holds it")
        }
    }

    // MARK: Sections

    private func checkUsers(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.users.map(\.id), base: "\(base).users", what: "user")
        for (index, user) in tenant.users.enumerated() {
            let path = "\(base).users[\(index)]"
            v.checkTopicSegment(user.id, at: "\(path).id", what: "a user id")
            for (key, number) in [("phone", user.phone), ("whatsapp", user.whatsapp)] {
                if let number, !Self.isE164(number) {
                    v.fail("\(path).\(key)", "\"\(number)\" is not an E.164 number like +15551230001")
                }
            }
            v.checkChannels(user.channels, at: "\(path).channels")
            for (position, channel) in (user.channels ?? []).enumerated() where user.address(for: channel) == nil {
                v.fail("\(path).channels[\(position)]", "\(channel) needs \(Self.addressKey(for: channel)), which user \"\(user.id)\" does not have")
            }
        }
    }

    private func checkTeams(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.teams.map(\.id), base: "\(base).teams", what: "team")
        for (index, team) in tenant.teams.enumerated() {
            let path = "\(base).teams[\(index)]"
            for (position, member) in team.members.enumerated() {
                checkUser(member, at: "\(path).members[\(position)]", &v)
            }
            if let lead = team.lead {
                if !userIDs.contains(lead) {
                    checkUser(lead, at: "\(path).lead", &v)
                } else if !team.members.contains(lead) {
                    v.fail("\(path).lead", .unknownReference, "lead \"\(lead)\" is not a member of team \"\(team.id)\"")
                }
            }
        }
    }

    private func checkSchedules(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.schedules.map(\.id), base: "\(base).schedules", what: "schedule")
        for (index, schedule) in tenant.schedules.enumerated() {
            let path = "\(base).schedules[\(index)]"
            if TimeZone(identifier: schedule.timeZone) == nil {
                v.fail("\(path).time_zone", "unknown time zone \"\(schedule.timeZone)\"")
            }
            if schedule.layers.isEmpty { v.fail("\(path).layers", "a schedule needs at least one layer") }
            for (number, layer) in schedule.layers.enumerated() {
                let layerPath = "\(path).layers[\(number)]"
                if layer.users.isEmpty { v.fail("\(layerPath).users", "a layer needs at least one user") }
                for (position, user) in layer.users.enumerated() {
                    checkUser(user, at: "\(layerPath).users[\(position)]", &v)
                }
                if layer.rotation.seconds <= 0 { v.fail("\(layerPath).rotation", "must be positive") }
                if let restrict = layer.restrict {
                    if restrict.days.isEmpty { v.fail("\(layerPath).restrict.days", "name at least one day") }
                    if restrict.from == restrict.to {
                        v.fail("\(layerPath).restrict.to", "the window from \(restrict.from) to \(restrict.to) is empty")
                    }
                }
            }
        }
    }

    private func checkServices(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.services.map(\.id), base: "\(base).services", what: "service")
        let policies = Set(tenant.escalationPolicies.map(\.id))
        for (index, service) in tenant.services.enumerated() {
            let path = "\(base).services[\(index)]"
            for (position, owner) in service.owners.enumerated() {
                checkUser(owner, at: "\(path).owners[\(position)]", &v)
            }
            v.checkChannels(service.notificationChannels, at: "\(path).notification_channels")
            if let policy = service.escalationPolicy, !policies.contains(policy) {
                v.fail("\(path).escalation_policy", .unknownReference, "unknown policy \"\(policy)\"")
            }
            v.checkUnique(service.webhooks.map(\.id), base: "\(path).webhooks", what: "webhook")
            for (number, webhook) in service.webhooks.enumerated() {
                let hookPath = "\(path).webhooks[\(number)]"
                switch (webhook.url, webhook.urlEnv) {
                case (nil, nil), (.some, .some):
                    v.fail(hookPath, "a webhook needs exactly one of url or url_env")
                case (let url?, nil):
                    v.checkHTTPURL(url, at: "\(hookPath).url")
                case (nil, .some):
                    break
                }
                if webhook.events.isEmpty { v.fail("\(hookPath).events", "name at least one event") }
            }
        }
    }

    private func checkPolicies(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.escalationPolicies.map(\.id), base: "\(base).escalation_policies", what: "policy")
        for (index, policy) in tenant.escalationPolicies.enumerated() {
            let path = "\(base).escalation_policies[\(index)]"
            if policy.repeat < 0 { v.fail("\(path).repeat", "must not be negative") }
            if policy.steps.isEmpty { v.fail("\(path).steps", "a policy needs at least one step") }
            for (number, step) in policy.steps.enumerated() {
                let stepPath = "\(path).steps[\(number)]"
                if step.after.seconds < 0 { v.fail("\(stepPath).after", "must not be negative") }
                if step.targets.isEmpty { v.fail("\(stepPath).targets", "a step needs at least one target") }
                v.checkChannels(step.channels, at: "\(stepPath).channels")
                for (position, target) in step.targets.enumerated() {
                    checkTarget(target, at: "\(stepPath).targets[\(position)].\(target.kind.rawValue)", &v)
                }
            }
        }
    }

    private func checkTarget(_ target: EscalationTarget, at path: String, _ v: inout ConfigValidator) {
        guard !target.id.isEmpty else { return }  // already reported while decoding
        switch target.kind {
        case .user:
            checkUser(target.id, at: path, &v)
        case .role:
            checkRole(target.id, at: path, &v)
        case .team:
            if tenant.team(id: target.id) == nil { v.fail(path, .unknownReference, "unknown team \"\(target.id)\"") }
        case .schedule:
            if tenant.schedule(id: target.id) == nil { v.fail(path, .unknownReference, "unknown schedule \"\(target.id)\"") }
        }
    }

    private func checkRoutes(_ v: inout ConfigValidator) {
        v.checkUnique(tenant.routes.map(\.id), base: "\(base).routes", what: "route")
        for (index, route) in tenant.routes.enumerated() {
            let path = "\(base).routes[\(index)]"
            for (position, role) in (route.targetRoles ?? []).enumerated() {
                checkRole(role, at: "\(path).target_roles[\(position)]", &v)
            }
            v.checkChannels(route.channels, at: "\(path).channels")
            if let role = route.escalateToRole { checkRole(role, at: "\(path).escalate_to_role", &v) }
            if let after = route.escalateAfter, after.seconds <= 0 {
                v.fail("\(path).escalate_after", "must be positive")
            }
            if let top = route.escalateToTopAfter {
                if top.seconds <= 0 { v.fail("\(path).escalate_to_top_after", "must be positive") }
                if tenant.topRoles.isEmpty {
                    v.fail("\(path).escalate_to_top_after", "the tenant has no top_roles to escalate to")
                }
                if let after = route.escalateAfter, top <= after {
                    v.fail("\(path).escalate_to_top_after", "must be later than escalate_after (\(after))")
                }
            }
            if let thresholds = route.deadlineThresholds {
                v.checkThresholds(thresholds, at: "\(path).deadline_thresholds")
            }
        }
    }

    private func checkIncidentTargeting(_ v: inout ConfigValidator) {
        let targeting = tenant.incidentTargeting
        let path = "\(base).incident_targeting"
        for (position, user) in targeting.specificUsers.enumerated() {
            checkUser(user, at: "\(path).specific_users[\(position)]", &v)
        }
        for (position, role) in targeting.specificRoles.enumerated() {
            checkRole(role, at: "\(path).specific_roles[\(position)]", &v)
        }
        for (position, user) in targeting.priorityUsers.enumerated() {
            checkUser(user, at: "\(path).priority_users[\(position)]", &v)
        }
        if targeting.mode == .specificUsers && targeting.specificUsers.isEmpty && targeting.specificRoles.isEmpty {
            v.fail("\(path).mode", "specific_users needs specific_users or specific_roles")
        } else if tenant.enabled, !tenant.users.isEmpty, incidentCandidates().isEmpty, fallbackAdmins().isEmpty {
            v.fail("\(path).mode", "incident targeting notifies nobody (no user it selects takes incident notifications) and the tenant has no admins to fall back to")
        }
    }

    /// Everyone incident targeting could ever select, whatever the alert: an empty set means an alert without a route reaches nobody.
    private func incidentCandidates() -> [User] {
        let targeting = tenant.incidentTargeting
        var ids = Set(targeting.priorityUsers)
        ids.formUnion(tenant.users.filter { !Set($0.roles).isDisjoint(with: targeting.specificRoles) }.map(\.id))
        switch targeting.mode {
        case .usersWithServices: ids.formUnion(tenant.services.flatMap(\.owners))
        case .allMembers: ids.formUnion(tenant.users.map(\.id))
        case .specificUsers: ids.formUnion(targeting.specificUsers)
        }
        return tenant.users.filter { user in
            ids.contains(user.id) && user.receiveIncidentNotifications && (targeting.includeViewers || !user.roles.contains("viewer"))
        }
    }

    /// Who an alert that resolves to nobody goes to: the tenant's admins, as integration notifications name them.
    private func fallbackAdmins() -> [User] {
        let admins = tenant.integrationNotifications.admins
        return tenant.users.filter { user in admins.users.contains(user.id) || admins.role.map(user.roles.contains) == true }
    }

    private func checkDeadlineEscalation(_ v: inout ConfigValidator) {
        let deadline = tenant.deadlineEscalation
        let path = "\(base).deadline_escalation"
        v.checkThresholds(deadline.thresholds, at: "\(path).thresholds")
        let levelsWritten = v.isWritten("\(path).levels")
        for number in deadline.levels.keys.sorted() {
            let levelPath = "\(path).levels.\(number)"
            let level = deadline.levels[number]!
            if number < 1 { v.fail(levelPath, "levels are numbered from 1") }
            v.checkChannels(level.channels, at: "\(levelPath).channels")
            guard levelsWritten else { continue }
            for (position, role) in level.roles.enumerated() {
                checkRole(role, at: "\(levelPath).roles[\(position)]", &v)
            }
        }
        for (position, notice) in deadline.notifyBefore.enumerated() where notice.seconds <= 0 {
            v.fail("\(path).notify_before[\(position)]", "must be positive")
        }
    }

    private func checkIntegrationNotifications(_ v: inout ConfigValidator) {
        let settings = tenant.integrationNotifications
        let path = "\(base).integration_notifications"
        if let role = settings.admins.role, v.isWritten("\(path).admins.role") {
            checkRole(role, at: "\(path).admins.role", &v)
        }
        for (position, user) in settings.admins.users.enumerated() {
            checkUser(user, at: "\(path).admins.users[\(position)]", &v)
        }
        v.checkChannels(settings.channels, at: "\(path).channels")
        for user in settings.preferences.keys.sorted() {
            checkUser(user, at: "\(path).preferences.\(user)", &v)
        }
        if settings.syncFailureMinRetries < 0 { v.fail("\(path).sync_failure_min_retries", "must not be negative") }
        if settings.flapWindow.seconds < 0 { v.fail("\(path).flap_window", "must not be negative") }
    }

    // MARK: Helpers

    static func isE164(_ number: String) -> Bool {
        guard number.first == "+" else { return false }
        let digits = number.dropFirst()
        return (7...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func addressKey(for channel: ChannelName) -> String {
        switch channel {
        case .sms: "a phone"
        case .whatsapp: "a whatsapp or phone number"
        case .email: "an email"
        case .push: "a push_topic"
        case .slack: "a slack_user"
        default: "an address"
        }
    }
}
