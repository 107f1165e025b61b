// A tenant's own Twilio account and numbers, overriding the global ones key by key.

public struct TenantTwilioConfig: Sendable, Equatable, Codable {
    public var apiURL: String?
    public var accountSidEnv: String?
    public var authTokenEnv: String?
    public var smsFrom: String?
    public var whatsappFrom: String?
    public var whatsappTemplateSid: String?
    public var fallbackToSMS: Bool?

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
