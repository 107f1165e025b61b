// The plain-English reading of a routing rule, for operators checking what a rule will do.
import Config

public enum RulePreview {
    /// "When a finance alert of type invoice_overdue arrives, notify accounting and admin via in-app, email, SMS and
    /// Slack (#finance) at high priority; if nobody acknowledges within 60 minutes escalate to admin, and after
    /// 120 minutes to ceo."
    public static func sentence(for route: Route, in tenant: Tenant) -> String {
        var text = "When \(subject(route.match)) arrives, notify "
        if let roles = route.targetRoles {
            text += roles.isEmpty ? "nobody" : join(roles)
        } else {
            text += targeting(tenant.incidentTargeting)
        }
        if let channels = route.channels {
            text += " via " + join(channels.map { channel in
                if channel == .slack, let slack = route.slackChannel { return "Slack (\(slack))" }
                return name(channel)
            })
        } else {
            text += " on their own channels"
        }
        text += " at \(route.priority.rawValue) priority"
        if let role = route.escalateToRole {
            text += "; if nobody acknowledges within \(minutes(route.escalateAfter ?? Route.defaultEscalateAfter)) escalate to \(role)"
            if let top = route.escalateToTopAfter {
                text += ", and after \(minutes(top)) to \(tenant.topRoles.isEmpty ? "the top roles (none configured)" : join(tenant.topRoles))"
            }
        } else if let top = route.escalateToTopAfter {
            text += "; if nobody acknowledges within \(minutes(top)) escalate to \(tenant.topRoles.isEmpty ? "the top roles (none configured)" : join(tenant.topRoles))"
        }
        return (route.enabled ? "" : "(disabled) ") + text + "."
    }

    static func subject(_ match: RouteMatch) -> String {
        switch (match.category, match.type) {
        case let (category?, type?): "\(article(category)) \(category) alert of type \(type)"
        case let (category?, nil): "\(article(category)) \(category) alert"
        case let (nil, type?): "an alert of type \(type)"
        case (nil, nil): "any alert"
        }
    }

    static func targeting(_ targeting: IncidentTargeting) -> String {
        var who: String
        switch targeting.mode {
        case .usersWithServices: who = "the owners of the alert's service and other service owners"
        case .allMembers: who = "every member"
        case .specificUsers: who = join(targeting.specificUsers + targeting.specificRoles.map { "everyone with role \($0)" })
        }
        if !targeting.priorityUsers.isEmpty { who = join(targeting.priorityUsers) + " first, then " + who }
        return who + (targeting.includeViewers ? " (viewers included)" : "")
    }

    static func name(_ channel: ChannelName) -> String {
        switch channel {
        case .inApp: "in-app"
        case .sms: "SMS"
        case .whatsapp: "WhatsApp"
        case .slack: "Slack"
        case .email: "email"
        case .push: "push"
        case .webhook: "webhooks"
        default: channel.rawValue
        }
    }

    static func minutes(_ duration: ConfigDuration) -> String {
        let minutes = duration.seconds / 60
        if minutes == minutes.rounded() { return minutes == 1 ? "1 minute" : "\(Int(minutes)) minutes" }
        return "\(Int(duration.seconds)) seconds"
    }

    static func article(_ word: String) -> String { "aeiou".contains(word.lowercased().first ?? "x") ? "an" : "a" }

    static func join(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}
