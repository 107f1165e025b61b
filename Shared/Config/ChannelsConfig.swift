// The global delivery providers; a provider left out is simply not available.

public struct ChannelsConfig: Sendable, Equatable, Codable {
    public var slack: SlackConfig?
    public var twilio: TwilioConfig?
    public var email: EmailConfig?
    public var inApp: InAppConfig
    public var push: PushConfig?
    public var webhook: WebhookChannelConfig

    public init(slack: SlackConfig? = nil, twilio: TwilioConfig? = nil, email: EmailConfig? = nil,
                inApp: InAppConfig = InAppConfig(), push: PushConfig? = nil, webhook: WebhookChannelConfig = WebhookChannelConfig()) {
        self.webhook = webhook
        self.slack = slack
        self.twilio = twilio
        self.email = email
        self.inApp = inApp
        self.push = push
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case slack, twilio, email
        case inApp = "in_app"
        case push, webhook
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        slack = try r.optional(.slack)
        twilio = try r.optional(.twilio)
        email = try r.optional(.email)
        inApp = try r.value(.inApp, default: InAppConfig())
        push = try r.optional(.push)
        webhook = try r.value(.webhook, default: WebhookChannelConfig())
    }
}
