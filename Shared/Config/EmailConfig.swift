// The e-mail provider: an SMTP URL kept in the environment, the sender address, TLS and pacing.

public struct EmailConfig: Sendable, Equatable, Codable {
    /// Environment variable holding `smtp://user:password@host:port` (or `smtps://`).
    public var smtpURLEnv: String?
    public var from: String?
    /// On `smtp://`, refuse to send unless the server upgrades the connection with STARTTLS (default true, as in
    /// Alertmanager's e-mail receiver); `smtps://` is TLS from the start either way.
    public var requireTLS: Bool?
    /// A PEM file of certificate authorities to trust instead of the system's (a private relay's own CA).
    public var caFile: String?
    /// Messages to one SMTP server at most (default: no limit).
    public var pacing: PacingConfig?

    public init(smtpURLEnv: String? = nil, from: String? = nil, requireTLS: Bool? = nil, caFile: String? = nil, pacing: PacingConfig? = nil) {
        self.smtpURLEnv = smtpURLEnv
        self.from = from
        self.requireTLS = requireTLS
        self.caFile = caFile
        self.pacing = pacing
    }

    /// `require_tls` as it applies: true unless written false.
    public var requiresTLS: Bool { requireTLS ?? true }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case smtpURLEnv = "smtp_url_env"
        case from
        case requireTLS = "require_tls"
        case caFile = "ca_file"
        case pacing
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        smtpURLEnv = try r.optional(.smtpURLEnv)
        from = try r.optional(.from)
        requireTLS = try r.optional(.requireTLS)
        caFile = try r.optional(.caFile)
        pacing = try r.optional(.pacing)
    }
}
