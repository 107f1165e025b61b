// Retained on `integrations/preferences/{tenant}/{user}/effective`: what an admin is told about, and why.
import Config
import Foundation

public struct PreferenceReadBack: Codable, Sendable, Equatable {
    public var tenant: String
    public var user: String
    /// The tenant defaults with the configuration file's and then the run-time overrides applied.
    public var preferences: IntegrationEventPreferences
    /// The run-time overrides (set on `integrations/preferences/{tenant}/{user}`).
    public var overrides: IntegrationPreferenceOverrides
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case tenant, user, preferences, overrides
        case updatedAt = "updated_at"
    }

    public init(tenant: String, user: String, preferences: IntegrationEventPreferences, overrides: IntegrationPreferenceOverrides,
                updatedAt: Date) {
        self.tenant = tenant
        self.user = user
        self.preferences = preferences
        self.overrides = overrides
        self.updatedAt = updatedAt
    }
}
