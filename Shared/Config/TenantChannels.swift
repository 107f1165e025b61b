// A tenant's own providers; each key it sets overrides the global provider's key.

public struct TenantChannels: Sendable, Equatable, Codable {
    public var slack: SlackConfig?
    public var twilio: TwilioConfig?
    public var email: EmailConfig?
    public var push: PushConfig?

    public init(slack: SlackConfig? = nil, twilio: TwilioConfig? = nil,
                email: EmailConfig? = nil, push: PushConfig? = nil) {
        self.slack = slack
        self.twilio = twilio
        self.email = email
        self.push = push
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case slack, twilio, email, push
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        slack = try r.optional(.slack)
        twilio = try r.optional(.twilio)
        email = try r.optional(.email)
        push = try r.optional(.push)
    }
}
