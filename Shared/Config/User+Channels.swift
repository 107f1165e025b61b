// Which channels reach a user and at which address.
import Contracts

extension User {
    /// Used when a user lists no channels; WhatsApp is opt-in, so it is never here.
    public static let defaultChannels: [ChannelName] = [.push, .sms, .email]

    /// The channels to use, in priority order: the written list (or `[push, sms, email]`),
    /// without those the user has no address for and without repeats.
    public var effectiveChannels: [ChannelName] {
        var seen = Set<ChannelName>()
        return (channels ?? Self.defaultChannels).filter { address(for: $0) != nil && seen.insert($0).inserted }
    }

    /// The user's address on a channel. WhatsApp is opt-in (WhatsApp Business policy): the
    /// `whatsapp` number, or the phone number only when the user lists `whatsapp` in their own
    /// channels; a phone alone is never a WhatsApp address. The in-app inbox and channels this
    /// module does not know address the user by id (their gateway knows more). Nil when the
    /// user has no address there.
    public func address(for channel: ChannelName) -> String? {
        func present(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        switch channel {
        case .sms: return present(phone)
        case .whatsapp: return present(whatsapp) ?? (channels?.contains(.whatsapp) == true ? present(phone) : nil)
        case .email: return present(email)
        case .push: return present(pushTopic)
        case .slack: return present(slackUser)
        default: return id
        }
    }

    public func hasRole(_ role: String) -> Bool { roles.contains(role) }

    /// True when an alert of this severity reaches the user (at or above `min_severity`).
    public func wants(_ severity: Severity) -> Bool { severity >= minSeverity }
}
