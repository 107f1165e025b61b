// A tenant's effective providers: the global ones with the tenant's keys laid over them.

extension AlertingConfig {
    /// Nil when neither the file nor the tenant configures Slack.
    public func slack(forTenant tenantID: String) -> SlackConfig? {
        let own = tenant(id: tenantID)?.channels.slack
        guard channels.slack != nil || own != nil else { return nil }
        let global = channels.slack ?? SlackConfig()
        return own.map(global.overridden(by:)) ?? global
    }

    public func twilio(forTenant tenantID: String) -> TwilioConfig? {
        let own = tenant(id: tenantID)?.channels.twilio
        guard channels.twilio != nil || own != nil else { return nil }
        let global = channels.twilio ?? TwilioConfig()
        return own.map(global.overridden(by:)) ?? global
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
