// Public HTTP settings: the base URL in links and how action links are signed.

public struct HTTPConfig: Sendable, Equatable, Codable {
    /// Base of links in messages, action pages and callback URLs; without it messages carry no action links.
    public var publicBaseURL: String?
    /// Environment variable holding the HMAC key of action tokens.
    public var actionTokenSecretEnv: String?
    /// How long an action link works.
    public var actionTokenTTL: ConfigDuration

    public init(publicBaseURL: String? = nil, actionTokenSecretEnv: String? = nil,
                actionTokenTTL: ConfigDuration = .hours(24)) {
        self.publicBaseURL = publicBaseURL
        self.actionTokenSecretEnv = actionTokenSecretEnv
        self.actionTokenTTL = actionTokenTTL
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case publicBaseURL = "public_base_url"
        case actionTokenSecretEnv = "action_token_secret_env"
        case actionTokenTTL = "action_token_ttl"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        publicBaseURL = try r.optional(.publicBaseURL)
        actionTokenSecretEnv = try r.optional(.actionTokenSecretEnv)
        actionTokenTTL = try r.value(.actionTokenTTL, default: .hours(24))
    }
}
