// A delivery channel's name: a channel is just a name with its own dispatch topic.

/// The name of a delivery channel (`sms`, `slack`, or any name a third-party gateway subscribes to).
public struct ChannelName: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let slack: ChannelName = "slack"
    public static let webhook: ChannelName = "webhook"
    public static let sms: ChannelName = "sms"
    public static let whatsapp: ChannelName = "whatsapp"
    public static let email: ChannelName = "email"
    public static let push: ChannelName = "push"
    public static let inApp: ChannelName = "in_app"

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
