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
        // A critical or high route reaches its users whatever their min_severity; normal and low respect it.
        let urgent = route.map { $0.priority >= .high } ?? false
        let wanting = urgent ? candidates : candidates.filter { $0.wants(severity) }
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
        let slackChannel = Self.slackChannel(of: route, alert: alert, directory: directory)
        var plan = RoutingPlan(origin: origin, route: route?.id, priority: route?.priority, slackChannel: slackChannel, note: note)
        let override = route?.channels
        plan.add(candidates, override: override, mode: override == nil ? .user : .each, directory: directory,
                 skip: slackChannel == nil ? [] : [.slack])
        return plan
    }

    /// A route's Slack goes to its channel once (or the service's), not to each user.
    static func slackChannel(of route: Route?, alert: Alert, directory: TenantDirectory) -> String? {
        guard let route, route.channels?.contains(.slack) == true else { return nil }
        return route.slackChannel ?? alert.service.flatMap { directory.service(id: $0)?.slackChannel }
    }

    /// Plans an escalation step at the moment it is due: its targets resolved now, its channels overriding the
    /// users' lists. Two rules (docs/escalation.md): a route's escalation (`channel_mode: all`) pages on each of the
    /// route's channels the user has an address for, as the route's first notification does (its Slack channel
    /// already holds the alert and is updated in place, so no Slack per user there); a policy step or a deadline
    /// level takes the first available channel, each user's `channel_mode` still applying. Opt-outs do not apply:
    /// the step names these people. Targets held by nobody: the tenant's admins, with a note saying why.
    public static func plan(step: EscalationStepTaken, alert: Alert, tenant directory: TenantDirectory, now: Date) -> RoutingPlan {
        var seen = Set<String>()
        var users = step.targets.flatMap { Targets.resolve($0, in: directory, at: now) }.filter { seen.insert($0.id).inserted }
        let override = step.channels.map { $0.map { ChannelName(rawValue: $0) } }
        let route = directory.route(category: alert.category, type: alert.type)
        var plan = RoutingPlan(origin: .escalation, route: route?.id, priority: route?.priority)
        if users.isEmpty {
            let named = step.targets.isEmpty ? "no targets" : step.targets.map(describe).joined(separator: ", ")
            plan.origin = .fallback
            plan.note = "escalation level \(step.level) (\(step.cause.kind.rawValue.replacingOccurrences(of: "_", with: " "))): "
                + "\(named) resolve to nobody: sent to the tenant's admins"
            users = Targets.admins(in: directory)
        }
        let everyChannel = step.channelMode == EscalationStepTaken.everyChannel
        let skip: Set<ChannelName> = everyChannel && slackChannel(of: route, alert: alert, directory: directory) != nil ? [.slack] : []
        plan.add(users, override: override, mode: everyChannel ? .each : .user, directory: directory, skip: skip)
        return plan
    }

    static func describe(_ target: EscalationTargetRef) -> String {
        if let schedule = target.schedule { return "schedule \(schedule)" }
        if let team = target.team { return "team \(team)\(target.onlyLead == true ? " (lead)" : "")" }
        if let role = target.role { return "role \(role)" }
        if let user = target.user { return "user \(user)" }
        return "an empty target"
    }
}

extension RoutingPlan {
    /// Each user's deliveries; who has no usable channel is undeliverable, and a channel that was to be sent on
    /// (every channel of the list) but cannot be is unusable: both recorded, never silently skipped.
    mutating func add(_ users: [User], override: [ChannelName]?, mode: ChannelChoice.Mode, directory: TenantDirectory, skip: Set<ChannelName>) {
        for user in users {
            if let delivery = ChannelChoice.choose(for: user, override: override, mode: mode, directory: directory, skip: skip) {
                deliveries.append(delivery)
                unusable += ChannelChoice.unusable(for: user, override: override, mode: mode, directory: directory, skip: skip)
            } else if !(skip.contains(.slack) && override == [.slack]) {
                undeliverable.append(Undeliverable(user: user.id, reason: ChannelChoice.whyUndeliverable(user, override: override, directory: directory)))
            }
        }
    }
}
