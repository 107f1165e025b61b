// The Slack app a tenant's alerts go through: the global one with the tenant's own keys laid over it, secrets read.
import Config
import Foundation

public struct SlackWorkspace: Sendable, Equatable {
    /// Identifies the app without its secrets (API URL and the names of its variables): what queues, the channel
    /// cache and logs are keyed by.
    public var key: String
    public var apiURL: String
    /// Web API when set; else the incoming webhook.
    public var botToken: String?
    public var webhookURL: String?

    /// The tenant's workspace, or why it has none (a reason for a `failed` receipt, naming variables, never values).
    public static func resolve(tenant: String, config: AlertingConfig, environment: [String: String]) -> Result<SlackWorkspace, SlackError> {
        guard let slack = config.slack(forTenant: tenant) else {
            return .failure(SlackError(code: "not_configured", "Slack is not configured (channels.slack)"))
        }
        let apiURL = slack.apiBaseURL.hasSuffix("/") ? String(slack.apiBaseURL.dropLast()) : slack.apiBaseURL
        let botToken = secret(named: slack.botTokenEnv, environment: environment)
        let webhookURL = secret(named: slack.defaultWebhookURLEnv, environment: environment)
        guard botToken != nil || webhookURL != nil else {
            let names = [slack.botTokenEnv, slack.defaultWebhookURLEnv].compactMap { $0 }
            let why = names.isEmpty ? "neither bot_token_env nor default_webhook_url_env is configured"
                : "environment variable \(names.joined(separator: " / ")) is not set"
            return .failure(SlackError(code: "not_configured", "provider slack unavailable: \(why)"))
        }
        let key = botToken != nil ? "api \(apiURL) \(slack.botTokenEnv ?? "")" : "webhook \(slack.defaultWebhookURLEnv ?? "")"
        return .success(SlackWorkspace(key: key, apiURL: apiURL, botToken: botToken, webhookURL: botToken == nil ? webhookURL : nil))
    }
}

/// What Slack (or the gateway's reading of its configuration) answered: Slack's own error code (`channel_not_found`,
/// `invalid_auth`…) and a sentence.
public struct SlackError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public init(code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
