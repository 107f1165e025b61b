// One delivery to do, router → gateways, on `alerting/dispatch/{channel}/{tenant}`.
import Foundation

public struct Recipient: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// A directory user at one of their addresses.
        case user
        /// A service's own channel (its Slack channel, one of its webhooks), never escalated.
        case service
    }

    public var kind: Kind
    /// The directory user, for `user` recipients.
    public var user: String?
    /// The service, for `service` recipients.
    public var service: String?
    /// Where to deliver: a phone number, an e-mail address, a Slack channel, or for webhooks the webhook id
    /// (the gateway reads its URL and secret from its own configuration: secrets never travel on the bus).
    public var address: String
    public var name: String?

    public init(kind: Kind, user: String? = nil, service: String? = nil, address: String, name: String? = nil) {
        self.kind = kind
        self.user = user
        self.service = service
        self.address = address
        self.name = name
    }
}

/// A signed, single-purpose, expiring token that lets a gateway turn a button press or reply into an ack.
public struct ActionLink: Codable, Sendable, Equatable {
    public var action: AckCommand.Action
    public var token: String
    public var url: String?
    public init(action: AckCommand.Action, token: String, url: String? = nil) { self.action = action; self.token = token; self.url = url }
}

public struct DispatchRequest: EnvelopePayload {
    public static let eventType = "alerting.dispatch"

    public enum Kind: String, Codable, Sendable {
        case notify, update
    }

    /// Stable across re-processing: gateways drop a dispatch id they have handled.
    public var dispatchId: String
    public var kind: Kind
    /// The lifecycle event behind it.
    public var event: AlertEvent.Kind
    public var channel: String
    public var recipient: Recipient
    public var title: String
    public var body: String
    public var severity: Severity
    public var priority: String?
    public var links: [AlertLink]
    public var actions: [ActionLink]
    public var alert: Alert
    /// The provider's reference to an earlier message about this alert (Slack `channel:ts`, Twilio SID), for updates.
    public var providerRef: String?

    public init(dispatchId: String, kind: Kind, event: AlertEvent.Kind, channel: String, recipient: Recipient, title: String,
                body: String, severity: Severity, priority: String? = nil, links: [AlertLink] = [], actions: [ActionLink] = [],
                alert: Alert, providerRef: String? = nil) {
        self.dispatchId = dispatchId
        self.kind = kind
        self.event = event
        self.channel = channel
        self.recipient = recipient
        self.title = title
        self.body = body
        self.severity = severity
        self.priority = priority
        self.links = links
        self.actions = actions
        self.alert = alert
        self.providerRef = providerRef
    }

    enum CodingKeys: String, CodingKey {
        case kind, event, channel, recipient, title, body, severity, priority, links, actions, alert
        case dispatchId = "dispatch_id"
        case providerRef = "provider_ref"
    }
}
