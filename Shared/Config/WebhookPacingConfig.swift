// Pacing per webhook type (and for the push channel's ntfy server), within what each platform publishes.

public struct WebhookPacingConfig: Sendable, Equatable, Codable {
    /// A generic receiver is the customer's own: no limit unless set; its 429s and Retry-After pace it.
    public var generic: PacingConfig
    /// Teams incoming webhooks: 4 requests in a second, 60 in 30 seconds.
    public var teams: PacingConfig
    /// Google Chat: one message a second per space.
    public var googleChat: PacingConfig
    /// Discord: 5 requests per 2 seconds and 30 a minute per webhook.
    public var discord: PacingConfig
    /// The ntfy server (self-hosted: its operator sets its limits).
    public var push: PacingConfig

    public static let defaults = WebhookPacingConfig()

    public init(generic: PacingConfig = .init(perSecond: 0, burst: 1), teams: PacingConfig = .init(perSecond: 2, burst: 4),
                googleChat: PacingConfig = .init(perSecond: 1, burst: 1), discord: PacingConfig = .init(perSecond: 0.5, burst: 5),
                push: PacingConfig = .init(perSecond: 0, burst: 1)) {
        self.generic = generic
        self.teams = teams
        self.googleChat = googleChat
        self.discord = discord
        self.push = push
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case generic, teams, discord, push
        case googleChat = "google_chat"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        let d = Self.defaults
        generic = try r.value(.generic, default: d.generic)
        teams = try r.value(.teams, default: d.teams)
        googleChat = try r.value(.googleChat, default: d.googleChat)
        discord = try r.value(.discord, default: d.discord)
        push = try r.value(.push, default: d.push)
    }
}
