// The global Slack provider: API base URL and the environment variables of its secrets.

public struct SlackConfig: Sendable, Equatable, Codable {
    public var apiURL: String
    public var botTokenEnv: String?
    public var signingSecretEnv: String?
    /// Incoming-webhook URL used when no bot token is set.
    public var defaultWebhookURLEnv: String?

    public static let defaultAPIURL = "https://slack.com/api"

    public init(apiURL: String = SlackConfig.defaultAPIURL, botTokenEnv: String? = nil,
                signingSecretEnv: String? = nil, defaultWebhookURLEnv: String? = nil) {
        self.apiURL = apiURL
        self.botTokenEnv = botTokenEnv
        self.signingSecretEnv = signingSecretEnv
        self.defaultWebhookURLEnv = defaultWebhookURLEnv
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiURL = "api_url"
        case botTokenEnv = "bot_token_env"
        case signingSecretEnv = "signing_secret_env"
        case defaultWebhookURLEnv = "default_webhook_url_env"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        apiURL = try r.value(.apiURL, default: Self.defaultAPIURL)
        botTokenEnv = try r.optional(.botTokenEnv)
        signingSecretEnv = try r.optional(.signingSecretEnv)
        defaultWebhookURLEnv = try r.optional(.defaultWebhookURLEnv)
    }
}
