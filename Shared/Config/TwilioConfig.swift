// A Twilio account and its senders for SMS and WhatsApp. The global `channels.twilio` and a tenant's
// `channels.twilio` are this one type; a key the tenant sets overrides the global one
// (`AlertingConfig.twilio(forTenant:)`).

public struct TwilioConfig: Sendable, Equatable, Codable {
    /// Default `https://api.twilio.com` (`apiBaseURL`).
    public var apiURL: String?
    public var accountSidEnv: String?
    public var authTokenEnv: String?
    public var smsFrom: String?
    public var whatsappFrom: String?
    /// Approved template sent outside WhatsApp's 24 h session window.
    public var whatsappTemplateSid: String?
    /// Send by SMS when a WhatsApp message cannot be delivered (default true: `fallsBackToSMS`).
    public var fallbackToSMS: Bool?

    public static let defaultAPIURL = "https://api.twilio.com"

    public init(apiURL: String? = nil, accountSidEnv: String? = nil, authTokenEnv: String? = nil,
                smsFrom: String? = nil, whatsappFrom: String? = nil, whatsappTemplateSid: String? = nil,
                fallbackToSMS: Bool? = nil) {
        self.apiURL = apiURL
        self.accountSidEnv = accountSidEnv
        self.authTokenEnv = authTokenEnv
        self.smsFrom = smsFrom
        self.whatsappFrom = whatsappFrom
        self.whatsappTemplateSid = whatsappTemplateSid
        self.fallbackToSMS = fallbackToSMS
    }

    /// `api_url` as it applies: the default unless written.
    public var apiBaseURL: String { apiURL ?? Self.defaultAPIURL }

    /// `fallback_to_sms` as it applies: true unless written false.
    public var fallsBackToSMS: Bool { fallbackToSMS ?? true }

    /// This account with the keys `own` sets laid over it.
    public func overridden(by own: TwilioConfig) -> TwilioConfig {
        TwilioConfig(apiURL: own.apiURL ?? apiURL, accountSidEnv: own.accountSidEnv ?? accountSidEnv,
                     authTokenEnv: own.authTokenEnv ?? authTokenEnv, smsFrom: own.smsFrom ?? smsFrom,
                     whatsappFrom: own.whatsappFrom ?? whatsappFrom, whatsappTemplateSid: own.whatsappTemplateSid ?? whatsappTemplateSid,
                     fallbackToSMS: own.fallbackToSMS ?? fallbackToSMS)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiURL = "api_url"
        case accountSidEnv = "account_sid_env"
        case authTokenEnv = "auth_token_env"
        case smsFrom = "sms_from"
        case whatsappFrom = "whatsapp_from"
        case whatsappTemplateSid = "whatsapp_template_sid"
        case fallbackToSMS = "fallback_to_sms"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        apiURL = try r.optional(.apiURL)
        accountSidEnv = try r.optional(.accountSidEnv)
        authTokenEnv = try r.optional(.authTokenEnv)
        smsFrom = try r.optional(.smsFrom)
        whatsappFrom = try r.optional(.whatsappFrom)
        whatsappTemplateSid = try r.optional(.whatsappTemplateSid)
        fallbackToSMS = try r.optional(.fallbackToSMS)
    }
}
