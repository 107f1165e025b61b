// One outgoing webhook of a service (Teams, Google Chat, Discord or generic JSON).
import Foundation

public struct WebhookConfig: Sendable, Equatable, Codable {
    public enum Kind: String, ConfigEnum {
        case teams
        case googleChat = "google_chat"
        case discord
        case generic
    }

    public enum Event: String, ConfigEnum {
        case triggered, acknowledged, resolved, escalated
    }

    public var id: String
    public var name: String
    public var type: Kind
    /// Exactly one of `url` and `urlEnv` is set (validation).
    public var url: String?
    public var urlEnv: String?
    /// Environment variable holding the HMAC key that signs each request.
    public var secretEnv: String?
    public var enabled: Bool
    public var events: [Event]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, type, url
        case urlEnv = "url_env"
        case secretEnv = "secret_env"
        case enabled, events
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        id = try r.required(.id, placeholder: "")
        name = try r.value(.name, default: id)
        type = try r.value(.type, default: .generic)
        url = try r.optional(.url)
        urlEnv = try r.optional(.urlEnv)
        secretEnv = try r.optional(.secretEnv)
        enabled = try r.value(.enabled, default: true)
        events = try r.list(.events, default: Event.allCases)
    }

    /// The URL to post to: written, or read from `url_env`; nil when its variable is unset.
    public func resolvedURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let url { return url }
        return secret(named: urlEnv, environment: environment)
    }
}
