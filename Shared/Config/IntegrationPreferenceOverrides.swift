// One admin's changes to the tenant's integration notification defaults; unset keys keep the default.

public struct IntegrationPreferenceOverrides: Sendable, Equatable, Codable {
    public var connectionIssues: Bool?
    public var syncFailures: Bool?
    public var credentialExpiration: Bool?
    public var configurationChanges: Bool?
    public var statusUpdates: Bool?

    public init(connectionIssues: Bool? = nil, syncFailures: Bool? = nil, credentialExpiration: Bool? = nil,
                configurationChanges: Bool? = nil, statusUpdates: Bool? = nil) {
        self.connectionIssues = connectionIssues
        self.syncFailures = syncFailures
        self.credentialExpiration = credentialExpiration
        self.configurationChanges = configurationChanges
        self.statusUpdates = statusUpdates
    }

    typealias CodingKeys = IntegrationEventPreferences.CodingKeys

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        connectionIssues = try r.optional(.connectionIssues)
        syncFailures = try r.optional(.syncFailures)
        credentialExpiration = try r.optional(.credentialExpiration)
        configurationChanges = try r.optional(.configurationChanges)
        statusUpdates = try r.optional(.statusUpdates)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(connectionIssues, forKey: .connectionIssues)
        try container.encodeIfPresent(syncFailures, forKey: .syncFailures)
        try container.encodeIfPresent(credentialExpiration, forKey: .credentialExpiration)
        try container.encodeIfPresent(configurationChanges, forKey: .configurationChanges)
        try container.encodeIfPresent(statusUpdates, forKey: .statusUpdates)
    }
}
