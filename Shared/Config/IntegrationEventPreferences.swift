// Which kinds of integration events an admin is told about.

public struct IntegrationEventPreferences: Sendable, Equatable, Codable {
    public var connectionIssues: Bool
    public var syncFailures: Bool
    public var credentialExpiration: Bool
    public var configurationChanges: Bool
    public var statusUpdates: Bool

    /// Connection, sync and credential problems on; configuration changes and status updates off.
    public init(connectionIssues: Bool = true, syncFailures: Bool = true, credentialExpiration: Bool = true,
                configurationChanges: Bool = false, statusUpdates: Bool = false) {
        self.connectionIssues = connectionIssues
        self.syncFailures = syncFailures
        self.credentialExpiration = credentialExpiration
        self.configurationChanges = configurationChanges
        self.statusUpdates = statusUpdates
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case connectionIssues = "connection_issues"
        case syncFailures = "sync_failures"
        case credentialExpiration = "credential_expiration"
        case configurationChanges = "configuration_changes"
        case statusUpdates = "status_updates"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        let base = IntegrationEventPreferences()
        connectionIssues = try r.value(.connectionIssues, default: base.connectionIssues)
        syncFailures = try r.value(.syncFailures, default: base.syncFailures)
        credentialExpiration = try r.value(.credentialExpiration, default: base.credentialExpiration)
        configurationChanges = try r.value(.configurationChanges, default: base.configurationChanges)
        statusUpdates = try r.value(.statusUpdates, default: base.statusUpdates)
    }

    /// These preferences with one admin's overrides applied.
    public func applying(_ overrides: IntegrationPreferenceOverrides) -> IntegrationEventPreferences {
        var result = self
        result.connectionIssues = overrides.connectionIssues ?? connectionIssues
        result.syncFailures = overrides.syncFailures ?? syncFailures
        result.credentialExpiration = overrides.credentialExpiration ?? credentialExpiration
        result.configurationChanges = overrides.configurationChanges ?? configurationChanges
        result.statusUpdates = overrides.statusUpdates ?? statusUpdates
        return result
    }
}
