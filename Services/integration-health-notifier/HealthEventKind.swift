// The integration health events a monitor may publish, and the preference category each one belongs to.

public enum HealthEventKind: String, Sendable, CaseIterable {
    case providerStatusChanged = "integration.provider.status.changed"
    case providerAudienceChanged = "integration.provider.audience.changed"
    case connectionStatusChanged = "integration.connection.status.changed"
    case connectionTestFailed = "integration.connection.test.failed"
    case syncFailed = "integration.sync.failed"
    case credentialsExpired = "integration.credentials.expired"
    case dataAccessUpdated = "integration.data_access.updated"
    case searchUpdated = "integration.search.updated"

    /// Which admin preference switches this event's notifications on or off.
    public var category: PreferenceCategory {
        switch self {
        case .providerStatusChanged, .providerAudienceChanged: .statusUpdates
        case .connectionStatusChanged, .connectionTestFailed: .connectionIssues
        case .syncFailed: .syncFailures
        case .credentialsExpired: .credentialExpiration
        case .dataAccessUpdated, .searchUpdated: .configurationChanges
        }
    }
}
