// The push channel: a (self-hosted) ntfy server.

public struct PushConfig: Sendable, Equatable, Codable {
    public var ntfyURL: String?
    public var tokenEnv: String?

    public init(ntfyURL: String? = nil, tokenEnv: String? = nil) {
        self.ntfyURL = ntfyURL
        self.tokenEnv = tokenEnv
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ntfyURL = "ntfy_url"
        case tokenEnv = "token_env"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        ntfyURL = try r.optional(.ntfyURL)
        tokenEnv = try r.optional(.tokenEnv)
    }
}
