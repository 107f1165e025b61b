// A tenant's own Slack app: its workspace id and secrets, overriding the global ones key by key.

public struct TenantSlackConfig: Sendable, Equatable, Codable {
    /// The Slack workspace (`T…`); interactivity callbacks carrying it belong to this tenant.
    public var teamId: String?
    public var apiURL: String?
    public var botTokenEnv: String?
    public var signingSecretEnv: String?
    public var defaultWebhookURLEnv: String?

    public init(teamId: String? = nil, apiURL: String? = nil, botTokenEnv: String? = nil,
                signingSecretEnv: String? = nil, defaultWebhookURLEnv: String? = nil) {
        self.teamId = teamId
        self.apiURL = apiURL
        self.botTokenEnv = botTokenEnv
        self.signingSecretEnv = signingSecretEnv
        self.defaultWebhookURLEnv = defaultWebhookURLEnv
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case teamId = "team_id"
        case apiURL = "api_url"
        case botTokenEnv = "bot_token_env"
        case signingSecretEnv = "signing_secret_env"
        case defaultWebhookURLEnv = "default_webhook_url_env"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        teamId = try r.optional(.teamId)
        apiURL = try r.optional(.apiURL)
        botTokenEnv = try r.optional(.botTokenEnv)
        signingSecretEnv = try r.optional(.signingSecretEnv)
        defaultWebhookURLEnv = try r.optional(.defaultWebhookURLEnv)
    }
}
