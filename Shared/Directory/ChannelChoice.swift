// The channel choice for one user: an override list or the user's priority list, first_available or all.
import Config

public enum ChannelChoice {
    public enum Mode: Sendable, Equatable {
        /// The user's own `channel_mode`.
        case user
        /// Every channel of the list (a route's explicit `channels`: one delivery per user × channel).
        case each
    }

    /// The user's deliveries, or nil (undeliverable) when no channel of the list reaches them.
    /// - Parameters:
    ///   - override: a route's or step's `channels`, replacing the user's own list.
    ///   - skip: channels handled another way (Slack posted to a channel once).
    public static func choose(for user: User, override: [ChannelName]?, mode: Mode, directory: TenantDirectory,
                              skip: Set<ChannelName> = []) -> UserDelivery? {
        var seen = Set<ChannelName>()
        let list = (override ?? user.channels ?? User.defaultChannels).filter { seen.insert($0).inserted && !skip.contains($0) }
        let usable = list.filter { user.address(for: $0) != nil && directory.isAvailable($0) }
        guard let first = usable.first else { return nil }
        if mode == .each || user.channelMode == .all { return UserDelivery(user: user.id, channels: usable) }
        return UserDelivery(user: user.id, channels: [first], failover: Array(usable.dropFirst()))
    }

    /// The channels that were to be sent on (every channel of the list: a route's `channels`, a user's `all`) but
    /// cannot be, each with why: recorded as failed deliveries.
    public static func unusable(for user: User, override: [ChannelName]?, mode: Mode, directory: TenantDirectory,
                                skip: Set<ChannelName> = []) -> [UnusableChannel] {
        guard mode == .each || user.channelMode == .all else { return [] }
        var seen = Set<ChannelName>()
        return (override ?? user.channels ?? User.defaultChannels)
            .filter { seen.insert($0).inserted && !skip.contains($0) && (user.address(for: $0) == nil || !directory.isAvailable($0)) }
            .map { UnusableChannel(user: user.id, channel: $0, reason: why($0, user)) }
    }

    /// Why a user has no usable channel, for the audit log.
    public static func whyUndeliverable(_ user: User, override: [ChannelName]?, directory: TenantDirectory) -> String {
        let list = override ?? user.channels ?? User.defaultChannels
        if list.isEmpty { return "no channels listed" }
        return list.map { why($0, user) }.joined(separator: ", ")
    }

    static func why(_ channel: ChannelName, _ user: User) -> String {
        user.address(for: channel) == nil ? "\(channel): no address" : "\(channel): not configured"
    }
}
