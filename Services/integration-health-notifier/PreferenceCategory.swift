// The five kinds of integration events an admin can switch notifications on or off for.
import Config

public enum PreferenceCategory: String, Sendable, CaseIterable {
    case connectionIssues = "connection_issues"
    case syncFailures = "sync_failures"
    case credentialExpiration = "credential_expiration"
    case configurationChanges = "configuration_changes"
    case statusUpdates = "status_updates"

    /// Whether these preferences let this category through.
    public func isEnabled(in preferences: IntegrationEventPreferences) -> Bool {
        switch self {
        case .connectionIssues: preferences.connectionIssues
        case .syncFailures: preferences.syncFailures
        case .credentialExpiration: preferences.credentialExpiration
        case .configurationChanges: preferences.configurationChanges
        case .statusUpdates: preferences.statusUpdates
        }
    }
}
