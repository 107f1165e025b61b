// The pure "who and how" of one alert: route or incident targeting, then channel choice per user.
import Config
import Contracts
import Foundation

public enum RoutingPlanner {
    /// Plans the first notification of a triggered alert: the first enabled matching route (its roles, or the
    /// tenant's incident targeting when it names none), opt-outs honored, `min_severity` honored, each user's
    /// channels chosen; when nobody remains, the tenant's admins with a note saying why.
    public static func plan(alert: Alert, tenant directory: TenantDirectory, now: Date) -> RoutingPlan {
        let route = directory.route(category: alert.category, type: alert.type)
        var candidates: [User]
        var origin: TargetOrigin
        if let roles = route?.targetRoles {
            origin = .route
            var seen = Set<String>()
            candidates = roles.flatMap { directory.users(withRole: $0) }
                .filter { $0.receiveIncidentNotifications && seen.insert($0.id).inserted }
        } else {
            origin = .targeting
            candidates = Targets.incident(for: alert, in: directory)
        }
        let severity = alert.severity
        var note: String?
        let wanting = candidates.filter { $0.wants(severity) }
        if wanting.isEmpty {
            let why = candidates.isEmpty
                ? (route.map { "route \($0.id) targets nobody who receives incident notifications" } ?? "incident targeting selects nobody")
                : "every targeted user's min_severity is above \(alert.severity.rawValue)"
            note = "\(why): sent to the tenant's admins"
            origin = .fallback
            candidates = Targets.admins(in: directory)
        } else {
            candidates = wanting
        }
        // A route's Slack goes to its channel once (or the service's), not to each user.
        let slackChannel: String?
        if let route, route.channels?.contains(.slack) == true {
            slackChannel = route.slackChannel ?? alert.service.flatMap { directory.service(id: $0)?.slackChannel }
        } else {
            slackChannel = nil
        }
        var plan = RoutingPlan(origin: origin, route: route?.id, priority: route?.priority, slackChannel: slackChannel, note: note)
        let override = route?.channels
        for user in candidates {
            if let delivery = ChannelChoice.choose(for: user, override: override, mode: override == nil ? .user : .each,
                                                   directory: directory, skip: slackChannel == nil ? [] : [.slack]) {
                plan.deliveries.append(delivery)
            } else if !(slackChannel != nil && override == [.slack]) {
                plan.undeliverable.append(Undeliverable(user: user.id, reason: ChannelChoice.whyUndeliverable(user, override: override, directory: directory)))
            }
        }
        return plan
    }

    /// Plans an escalation step at the moment it is due: its targets resolved now, its channels overriding the
    /// users' lists (each user's channel_mode still applies). Opt-outs do not apply: the step names these people.
    public static func plan(step: EscalationStepTaken, alert: Alert, tenant directory: TenantDirectory, now: Date) -> RoutingPlan {
        var seen = Set<String>()
        let users = step.targets.flatMap { Targets.resolve($0, in: directory, at: now) }.filter { seen.insert($0.id).inserted }
        let override = step.channels.map { $0.map { ChannelName(rawValue: $0) } }
        var plan = RoutingPlan(origin: .escalation)
        for user in users {
            if let delivery = ChannelChoice.choose(for: user, override: override, mode: .user, directory: directory) {
                plan.deliveries.append(delivery)
            } else {
                plan.undeliverable.append(Undeliverable(user: user.id, reason: ChannelChoice.whyUndeliverable(user, override: override, directory: directory)))
            }
        }
        if users.isEmpty { plan.note = "escalation step level \(step.level) resolved to nobody" }
        return plan
    }
}
