// Builds the dispatch messages of a plan: rendered words, priority, stable ids and signed action links.
import Config
import Contracts
import Directory
import Foundation

struct DispatchComposer {
    let config: AlertingConfig
    let now: Date
    let environment: [String: String]

    /// The tokens of the buttons and links of a user's message; none without a signing secret.
    func actions(tenant: String, alertId: String, user: String) -> [ActionLink] {
        guard let key = secret(named: config.http.actionTokenSecretEnv, environment: environment) else { return [] }
        let expiry = now.addingTimeInterval(config.http.actionTokenTTL.seconds)
        return [AckCommand.Action.acknowledge, .resolve].map { action in
            let token = ActionToken.sign(ActionToken.Claims(tenant: tenant, alertId: alertId, user: user, action: action,
                                                            expiresAt: expiry, nonce: ActionToken.makeNonce()), secret: key)
            let base = config.http.publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            return ActionLink(action: action, token: token, url: base.map { "\($0)/a/\(token)" })
        }
    }

    /// One dispatch to a user on a channel, or nil when the user has no address there.
    func toUser(_ user: User, channel: ChannelName, event: AlertEvent, sourceID: String, kind: DispatchRequest.Kind = .notify,
                priority: Route.Priority? = nil) -> DispatchRequest? {
        guard let address = user.address(for: channel) else { return nil }
        let alert = event.alert
        return DispatchRequest(
            dispatchId: MessageID.derived(sourceID, channel.rawValue, user.id), kind: kind, event: event.kind, channel: channel.rawValue,
            recipient: Recipient(kind: .user, user: user.id, address: address, name: user.name),
            title: MessageRenderer.title(for: event), body: MessageRenderer.body(for: event), severity: alert.severity,
            priority: priority?.rawValue, links: alert.links, actions: actions(tenant: alert.tenant, alertId: alert.id, user: user.id),
            alert: alert)
    }

    /// A post to a Slack channel named by a route (or the alert's service).
    func toSlackChannel(_ slackChannel: String, event: AlertEvent, sourceID: String, route: String?, priority: Route.Priority?) -> DispatchRequest {
        let alert = event.alert
        return DispatchRequest(
            dispatchId: MessageID.derived(sourceID, ChannelName.slack.rawValue, slackChannel), kind: .notify, event: event.kind,
            channel: ChannelName.slack.rawValue,
            recipient: Recipient(kind: .service, service: alert.service, address: slackChannel, name: route),
            title: MessageRenderer.title(for: event), body: MessageRenderer.body(for: event), severity: alert.severity,
            priority: priority?.rawValue, links: alert.links, alert: alert)
    }
}
