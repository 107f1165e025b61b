// A tenant's effective providers: the global ones with the tenant's keys laid over them.

extension AlertingConfig {
    /// Nil when neither the file nor the tenant configures Slack.
    public func slack(forTenant tenantID: String) -> SlackConfig? {
        let own = tenant(id: tenantID)?.channels.slack
        guard channels.slack != nil || own != nil else { return nil }
        var result = channels.slack ?? SlackConfig()
        if let own {
            result.apiURL = own.apiURL ?? result.apiURL
            result.botTokenEnv = own.botTokenEnv ?? result.botTokenEnv
            result.signingSecretEnv = own.signingSecretEnv ?? result.signingSecretEnv
            result.defaultWebhookURLEnv = own.defaultWebhookURLEnv ?? result.defaultWebhookURLEnv
        }
        return result
    }

    public func twilio(forTenant tenantID: String) -> TwilioConfig? {
        let own = tenant(id: tenantID)?.channels.twilio
        guard channels.twilio != nil || own != nil else { return nil }
        var result = channels.twilio ?? TwilioConfig()
        if let own {
            result.apiURL = own.apiURL ?? result.apiURL
            result.accountSidEnv = own.accountSidEnv ?? result.accountSidEnv
            result.authTokenEnv = own.authTokenEnv ?? result.authTokenEnv
            result.smsFrom = own.smsFrom ?? result.smsFrom
            result.whatsappFrom = own.whatsappFrom ?? result.whatsappFrom
            result.whatsappTemplateSid = own.whatsappTemplateSid ?? result.whatsappTemplateSid
            result.fallbackToSMS = own.fallbackToSMS ?? result.fallbackToSMS
        }
        return result
    }

    public func email(forTenant tenantID: String) -> EmailConfig? {
        let own = tenant(id: tenantID)?.channels.email
        guard channels.email != nil || own != nil else { return nil }
        var result = channels.email ?? EmailConfig()
        result.smtpURLEnv = own?.smtpURLEnv ?? result.smtpURLEnv
        result.from = own?.from ?? result.from
        result.requireTLS = own?.requireTLS ?? result.requireTLS
        result.caFile = own?.caFile ?? result.caFile
        result.pacing = own?.pacing ?? result.pacing
        return result
    }

    public func push(forTenant tenantID: String) -> PushConfig? {
        let own = tenant(id: tenantID)?.channels.push
        guard channels.push != nil || own != nil else { return nil }
        var result = channels.push ?? PushConfig()
        result.ntfyURL = own?.ntfyURL ?? result.ntfyURL
        result.tokenEnv = own?.tokenEnv ?? result.tokenEnv
        return result
    }
}
