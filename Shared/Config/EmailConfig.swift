// The e-mail provider: an SMTP URL kept in the environment and the sender address.

public struct EmailConfig: Sendable, Equatable, Codable {
    /// Environment variable holding `smtp://user:password@host:port` (or `smtps://`).
    public var smtpURLEnv: String?
    public var from: String?

    public init(smtpURLEnv: String? = nil, from: String? = nil) {
        self.smtpURLEnv = smtpURLEnv
        self.from = from
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case smtpURLEnv = "smtp_url_env"
        case from
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        smtpURLEnv = try r.optional(.smtpURLEnv)
        from = try r.optional(.from)
    }
}
