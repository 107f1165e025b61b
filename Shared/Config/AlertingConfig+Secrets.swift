// Every secret the file names, and those the environment does not provide.
import Foundation

extension AlertingConfig {
    /// Every `*_env` key written in the file, in file order. Disabled webhooks are left out:
    /// they send nothing, so their secrets are not missed.
    public var secretReferences: [SecretReference] {
        var found: [SecretReference] = []
        func add(_ variable: String?, _ path: String, _ provider: String) {
            if let variable { found.append(SecretReference(path: path, variable: variable, provider: provider)) }
        }
        add(http.actionTokenSecretEnv, "http.action_token_secret_env", "action links")
        if let slack = channels.slack {
            add(slack.botTokenEnv, "channels.slack.bot_token_env", "slack")
            add(slack.signingSecretEnv, "channels.slack.signing_secret_env", "slack")
            add(slack.defaultWebhookURLEnv, "channels.slack.default_webhook_url_env", "slack")
        }
        if let twilio = channels.twilio {
            add(twilio.accountSidEnv, "channels.twilio.account_sid_env", "twilio")
            add(twilio.authTokenEnv, "channels.twilio.auth_token_env", "twilio")
        }
        add(channels.email?.smtpURLEnv, "channels.email.smtp_url_env", "email")
        add(channels.push?.tokenEnv, "channels.push.token_env", "push")
        for (t, tenant) in tenants.enumerated() {
            let base = "tenants[\(t)].channels"
            if let slack = tenant.channels.slack {
                add(slack.botTokenEnv, "\(base).slack.bot_token_env", "tenant \(tenant.id) slack")
                add(slack.signingSecretEnv, "\(base).slack.signing_secret_env", "tenant \(tenant.id) slack")
                add(slack.defaultWebhookURLEnv, "\(base).slack.default_webhook_url_env", "tenant \(tenant.id) slack")
            }
            if let twilio = tenant.channels.twilio {
                add(twilio.accountSidEnv, "\(base).twilio.account_sid_env", "tenant \(tenant.id) twilio")
                add(twilio.authTokenEnv, "\(base).twilio.auth_token_env", "tenant \(tenant.id) twilio")
            }
            add(tenant.channels.email?.smtpURLEnv, "\(base).email.smtp_url_env", "tenant \(tenant.id) email")
            add(tenant.channels.push?.tokenEnv, "\(base).push.token_env", "tenant \(tenant.id) push")
            for (s, service) in tenant.services.enumerated() {
                for (w, webhook) in service.webhooks.enumerated() where webhook.enabled {
                    let path = "tenants[\(t)].services[\(s)].webhooks[\(w)]"
                    let provider = "webhook \(tenant.id)/\(service.id)/\(webhook.id)"
                    add(webhook.urlEnv, "\(path).url_env", provider)
                    add(webhook.secretEnv, "\(path).secret_env", provider)
                }
            }
        }
        return found
    }

    /// The references whose variable is unset or empty in this environment.
    public func missingSecrets(environment: [String: String] = ProcessInfo.processInfo.environment) -> [SecretReference] {
        secretReferences.filter { secret(named: $0.variable, environment: environment) == nil }
    }
}
