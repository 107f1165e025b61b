// A Slack app: API base URL, the environment variables of its secrets and, for a tenant's own app, its workspace. The
// global `channels.slack` and a tenant's `channels.slack` are this one type; a key the tenant sets overrides the
// global one (`AlertingConfig.slack(forTenant:)`).

public struct SlackConfig: Sendable, Equatable, Codable {
    /// The Slack workspace (`T…`) of a tenant's own app; interactivity callbacks carrying it belong to that tenant.
    /// Only a tenant's `channels.slack` sets it.
    public var teamId: String?
    /// Default `https://slack.com/api` (`apiBaseURL`).
    public var apiURL: String?
    public var botTokenEnv: String?
    public var signingSecretEnv: String?
    /// Incoming-webhook URL used when no bot token is set.
    public var defaultWebhookURLEnv: String?

    public static let defaultAPIURL = "https://slack.com/api"

    public init(teamId: String? = nil, apiURL: String? = nil, botTokenEnv: String? = nil,
                signingSecretEnv: String? = nil, defaultWebhookURLEnv: String? = nil) {
        self.teamId = teamId
        self.apiURL = apiURL
        self.botTokenEnv = botTokenEnv
        self.signingSecretEnv = signingSecretEnv
        self.defaultWebhookURLEnv = defaultWebhookURLEnv
    }

    /// `api_url` as it applies: the default unless written.
    public var apiBaseURL: String { apiURL ?? Self.defaultAPIURL }

    /// This app with the keys `own` sets laid over it.
    public func overridden(by own: SlackConfig) -> SlackConfig {
        SlackConfig(teamId: own.teamId ?? teamId, apiURL: own.apiURL ?? apiURL, botTokenEnv: own.botTokenEnv ?? botTokenEnv,
                    signingSecretEnv: own.signingSecretEnv ?? signingSecretEnv,
                    defaultWebhookURLEnv: own.defaultWebhookURLEnv ?? defaultWebhookURLEnv)
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
