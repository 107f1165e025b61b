// The outcome of routing one alert or escalation step: who, on which channels, in which order, and who could not be reached.
import Config
import Foundation

/// Why a user is on the list (kept in the audit log).
public enum TargetOrigin: String, Sendable, Equatable, Codable {
    case route, targeting, escalation
    /// Nobody was targeted, so the tenant's admins get it.
    case fallback
}

/// One user's deliveries: the first channel(s) to send on now, the rest held back for failover.
public struct UserDelivery: Sendable, Equatable {
    public var user: String
    /// Sent now: one channel for first_available, every usable one for all.
    public var channels: [ChannelName]
    /// first_available only: the next channels, tried in order when a delivery fails or bounces.
    public var failover: [ChannelName]

    public init(user: String, channels: [ChannelName], failover: [ChannelName] = []) {
        self.user = user
        self.channels = channels
        self.failover = failover
    }
}

/// A user who was targeted but has no usable channel: recorded, never silently skipped.
public struct Undeliverable: Sendable, Equatable {
    public var user: String
    public var reason: String
}

/// A channel a user was to get the alert on that cannot carry it (no address, provider or secret missing).
public struct UnusableChannel: Sendable, Equatable {
    public var user: String
    public var channel: ChannelName
    public var reason: String
}

public struct RoutingPlan: Sendable, Equatable {
    public var origin: TargetOrigin
    /// The route that matched, if any.
    public var route: String?
    public var priority: Route.Priority?
    /// In notification order.
    public var deliveries: [UserDelivery]
    public var undeliverable: [Undeliverable]
    /// Channels to be sent on that cannot be: recorded as failed, never silently skipped.
    public var unusable: [UnusableChannel] = []
    /// A Slack channel the route (or the alert's service) posts to once, instead of Slack messages per user.
    public var slackChannel: String?
    /// Why the plan looks the way it does when it is not obvious (fallback to admins).
    public var note: String?

    public init(origin: TargetOrigin, route: String? = nil, priority: Route.Priority? = nil, deliveries: [UserDelivery] = [],
                undeliverable: [Undeliverable] = [], slackChannel: String? = nil, note: String? = nil) {
        self.origin = origin
        self.route = route
        self.priority = priority
        self.deliveries = deliveries
        self.undeliverable = undeliverable
        self.slackChannel = slackChannel
        self.note = note
    }

    /// The users in notification order.
    public var users: [String] { deliveries.map(\.user) }
}
