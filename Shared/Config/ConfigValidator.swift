// Checks what decoding cannot: unique ids, references between entries, ranges, usable names.
import Foundation

/// Walks a decoded configuration and collects every problem with its YAML key path.
/// Defaults the operator did not write (the default deadline levels' roles, the `admin` role of
/// integration admins) are not held against a tenant that has no such role: such
/// escalations fall back to the tenant's admins at run time.
struct ConfigValidator {
    let config: AlertingConfig
    /// Key paths written in the file; nil treats everything as written.
    let written: Set<String>?
    /// Paths decoding already complained about, so their stand-in defaults are not complained about again.
    let decodeErrorPaths: Set<String>
    private(set) var errors: [ConfigError] = []

    init(config: AlertingConfig, written: Set<String>?, decodeErrorPaths: Set<String> = []) {
        self.config = config
        self.written = written
        self.decodeErrorPaths = decodeErrorPaths
    }

    func isWritten(_ path: String) -> Bool { written?.contains(path) ?? true }

    mutating func fail(_ path: String, _ code: ConfigError.Code, _ message: String) {
        errors.append(ConfigError(path: path, code: code, message: message))
    }

    mutating func fail(_ path: String, _ message: String) { fail(path, .invalidValue, message) }

    mutating func run() -> [ConfigError] {
        checkBroker()
        if config.limits.intakeRatePerTenant < 0 || !config.limits.intakeRatePerTenant.isFinite {
            fail("limits.intake_rate_per_tenant", "must be 0 (no limit) or positive")
        }
        if config.limits.intakeBurstPerTenant < 1 {
            fail("limits.intake_burst_per_tenant", "must be at least 1")
        }
        if config.limits.maxPayloadBytes <= 0 {
            fail("limits.max_payload_bytes", "must be positive")
        }
        checkHTTP()
        checkChannels()
        if config.retention.keepFor < RetentionConfig.minimum {
            fail("retention.keep_for", "must be at least \(RetentionConfig.minimum) (a resolved alert's retained state is cleared after a day)")
        }
        checkTenants()
        return errors
    }

    // MARK: Global sections

    private mutating func checkBroker() {
        let broker = config.broker
        let url = URLComponents(string: broker.url)
        if !["mqtt", "mqtts"].contains(url?.scheme?.lowercased() ?? "") || (url?.host ?? "").isEmpty {
            fail("broker.url", "\"\(RedactedURL.describe(broker.url))\" is not an mqtt:// or mqtts:// URL with a host")
        }
        let root = broker.topicRoot
        if root.isEmpty || root.hasPrefix("/") || root.hasSuffix("/") || root.contains("+") || root.contains("#") {
            fail("broker.topic_root", "\"\(root)\" is not a usable topic root (non-empty, no '+' or '#', no leading or trailing '/')")
        }
    }

    private mutating func checkHTTP() {
        if let base = config.http.publicBaseURL { checkHTTPURL(base, at: "http.public_base_url") }
        if config.http.actionTokenTTL.seconds <= 0 { fail("http.action_token_ttl", "must be positive") }
    }

    private mutating func checkChannels() {
        let channels = config.channels
        if let slack = channels.slack {
            checkHTTPURL(slack.apiBaseURL, at: "channels.slack.api_url")
            if slack.teamId != nil { fail("channels.slack.team_id", "only a tenant's own Slack app (tenants[].channels.slack) names its workspace") }
        }
        if let twilio = channels.twilio {
            checkHTTPURL(twilio.apiBaseURL, at: "channels.twilio.api_url")
            checkTwilioSenders(sms: twilio.smsFrom, whatsapp: twilio.whatsappFrom, at: "channels.twilio")
        }
        if let ntfy = channels.push?.ntfyURL { checkHTTPURL(ntfy, at: "channels.push.ntfy_url") }
        if channels.inApp.keepLatest <= 0 { fail("channels.in_app.keep_latest", "must be positive") }
        for (index, delay) in channels.webhook.retrySchedule.enumerated() where delay.seconds < 0 {
            fail("channels.webhook.retry_schedule[\(index)]", "must not be negative")
        }
        if channels.webhook.timeout.seconds <= 0 { fail("channels.webhook.timeout", "must be positive") }
        let pacing = channels.webhook.pacing
        for (key, value) in [("generic", pacing.generic), ("teams", pacing.teams), ("google_chat", pacing.googleChat),
                             ("discord", pacing.discord), ("push", pacing.push)] {
            if value.perSecond < 0 { fail("channels.webhook.pacing.\(key).per_second", "must not be negative") }
            if value.burst < 1 { fail("channels.webhook.pacing.\(key).burst", "must be at least 1") }
        }
        if let pacing = channels.email?.pacing {
            if pacing.perSecond < 0 { fail("channels.email.pacing.per_second", "must not be negative") }
            if pacing.burst < 1 { fail("channels.email.pacing.burst", "must be at least 1") }
        }
    }

    mutating func checkHTTPURL(_ text: String, at path: String) {
        let url = URLComponents(string: text)
        if !["http", "https"].contains(url?.scheme?.lowercased() ?? "") || (url?.host ?? "").isEmpty {
            fail(path, "\"\(RedactedURL.describe(text))\" is not an http:// or https:// URL")
        }
    }

    // MARK: Tenants

    private mutating func checkTenants() {
        if config.tenants.isEmpty && !decodeErrorPaths.contains("tenants") {
            fail("tenants", "list at least one tenant")
        }
        checkUnique(config.tenants.map(\.id), base: "tenants", what: "tenant")
        var slackTeams: [String: Int] = [:]
        for (index, tenant) in config.tenants.enumerated() {
            let base = "tenants[\(index)]"
            checkTopicSegment(tenant.id, at: "\(base).id", what: "a tenant id")
            if let team = tenant.channels.slack?.teamId {
                if let first = slackTeams[team] {
                    fail("\(base).channels.slack.team_id", .duplicateID,
                         "Slack workspace \"\(team)\" already belongs to tenants[\(first)]")
                } else {
                    slackTeams[team] = index
                }
            }
            if let twilio = tenant.channels.twilio {
                if let api = twilio.apiURL { checkHTTPURL(api, at: "\(base).channels.twilio.api_url") }
                checkTwilioSenders(sms: twilio.smsFrom, whatsapp: twilio.whatsappFrom, at: "\(base).channels.twilio")
            }
            TenantValidator(tenant: tenant, base: base).check(into: &self)
        }
    }

    /// Twilio's senders are E.164 numbers; WhatsApp's is written without its `whatsapp:` prefix.
    private mutating func checkTwilioSenders(sms: String?, whatsapp: String?, at base: String) {
        for (key, number) in [("sms_from", sms), ("whatsapp_from", whatsapp)] {
            if let number, !TenantValidator.isE164(number) { fail("\(base).\(key)", "\"\(number)\" is not an E.164 number like +15005550006") }
        }
    }

    // MARK: Shared checks

    mutating func checkUnique(_ ids: [String], base: String, what: String) {
        var first: [String: Int] = [:]
        for (index, id) in ids.enumerated() where !id.isEmpty {
            if let earlier = first[id] {
                fail("\(base)[\(index)].id", .duplicateID, "duplicate \(what) id \"\(id)\" (first at \(base)[\(earlier)])")
            } else {
                first[id] = index
            }
        }
    }

    /// Ids that become one segment of a topic (tenants, users, channels).
    mutating func checkTopicSegment(_ value: String, at path: String, what: String) {
        if value.isEmpty {
            // A missing id was already reported by decoding.
            if isWritten(path) { fail(path, "\(what) must not be empty") }
            return
        }
        if value.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true }) {
            fail(path, "\"\(value)\" cannot be \(what): it must fit in one MQTT topic segment (no '/', '+', '#' or spaces)")
        }
    }

    mutating func checkChannels(_ channels: [ChannelName]?, at path: String) {
        for (index, channel) in (channels ?? []).enumerated() {
            checkTopicSegment(channel.rawValue, at: "\(path)[\(index)]", what: "a channel name")
        }
    }

    mutating func checkThresholds(_ values: [Int], at path: String) {
        for (index, value) in values.enumerated() where !(1...100).contains(value) {
            fail("\(path)[\(index)]", "threshold \(value) is outside 1...100")
        }
        if zip(values, values.dropFirst()).contains(where: { $0 >= $1 }) {
            fail(path, "thresholds must be in strictly ascending order")
        }
    }
}
