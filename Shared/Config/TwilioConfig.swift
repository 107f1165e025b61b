// The global Twilio provider for SMS and WhatsApp.

public struct TwilioConfig: Sendable, Equatable, Codable {
    public var apiURL: String
    public var accountSidEnv: String?
    public var authTokenEnv: String?
    public var smsFrom: String?
    public var whatsappFrom: String?
    /// Approved template sent outside WhatsApp's 24 h session window.
    public var whatsappTemplateSid: String?
    /// Send by SMS when a WhatsApp message cannot be delivered.
    public var fallbackToSMS: Bool

    public static let defaultAPIURL = "https://api.twilio.com"

    public init(apiURL: String = TwilioConfig.defaultAPIURL, accountSidEnv: String? = nil, authTokenEnv: String? = nil,
                smsFrom: String? = nil, whatsappFrom: String? = nil, whatsappTemplateSid: String? = nil,
                fallbackToSMS: Bool = true) {
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
        apiURL = try r.value(.apiURL, default: Self.defaultAPIURL)
        accountSidEnv = try r.optional(.accountSidEnv)
        authTokenEnv = try r.optional(.authTokenEnv)
        smsFrom = try r.optional(.smsFrom)
        whatsappFrom = try r.optional(.whatsappFrom)
        whatsappTemplateSid = try r.optional(.whatsappTemplateSid)
        fallbackToSMS = try r.value(.fallbackToSMS, default: true)
    }
}
