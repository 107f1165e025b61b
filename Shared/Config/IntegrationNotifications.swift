// How integration health events become notifications to a tenant's admins.

public struct IntegrationNotifications: Sendable, Equatable, Codable {
    public var admins: IntegrationAdmins
    public var channels: [ChannelName]
    public var defaults: IntegrationEventPreferences
    /// Per admin (user id): overrides of `defaults`.
    public var preferences: [String: IntegrationPreferenceOverrides]
    /// A failed sync is reported once it has been retried this many times.
    public var syncFailureMinRetries: Int
    /// `{tenant}` and `{integration_id}` are replaced.
    public var linkTemplate: String?
    /// Repeated state changes of one integration within this window are damped into one notification.
    public var flapWindow: ConfigDuration

    public static let defaultChannels: [ChannelName] = [.inApp, .email]

    public init(admins: IntegrationAdmins = IntegrationAdmins(), channels: [ChannelName] = IntegrationNotifications.defaultChannels,
                defaults: IntegrationEventPreferences = IntegrationEventPreferences(),
                preferences: [String: IntegrationPreferenceOverrides] = [:], syncFailureMinRetries: Int = 3,
                linkTemplate: String? = nil, flapWindow: ConfigDuration = .minutes(10)) {
        self.admins = admins
        self.channels = channels
        self.defaults = defaults
        self.preferences = preferences
        self.syncFailureMinRetries = syncFailureMinRetries
        self.linkTemplate = linkTemplate
        self.flapWindow = flapWindow
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case admins, channels, defaults, preferences
        case syncFailureMinRetries = "sync_failure_min_retries"
        case linkTemplate = "link_template"
        case flapWindow = "flap_window"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        admins = try r.value(.admins, default: IntegrationAdmins())
        channels = try r.list(.channels, default: Self.defaultChannels)
        defaults = try r.value(.defaults, default: IntegrationEventPreferences())
        preferences = try r.map(.preferences, of: IntegrationPreferenceOverrides.self) ?? [:]
        syncFailureMinRetries = try r.value(.syncFailureMinRetries, default: 3)
        linkTemplate = try r.optional(.linkTemplate)
        flapWindow = try r.value(.flapWindow, default: .minutes(10))
    }

    /// What this admin is told about: the tenant defaults with the admin's overrides.
    public func preferences(for userID: String) -> IntegrationEventPreferences {
        preferences[userID].map(defaults.applying) ?? defaults
    }
}
