// What integration monitors publish on `integrations/health/{tenant}/{integration_id}`.
import Foundation

public struct IntegrationHealthEvent: Codable, Sendable, Equatable {
    /// e.g. `integration.sync.failed`, `integration.credentials.expired`, `integration.connection.test.failed`.
    public var event: String
    public var integrationName: String?
    public var provider: String?
    public var error: String?
    public var retryCount: Int?
    public var taskId: String?
    public var oldStatus: String?
    public var newStatus: String?
    public var changedBy: String?
    /// Provider audience changes (`system`, `tenant`).
    public var oldAudience: String?
    public var newAudience: String?
    /// Data access configuration changes: the shard types allowed before and after.
    public var oldAllowedShardTypes: [String]?
    public var newAllowedShardTypes: [String]?

    public init(event: String, integrationName: String? = nil, provider: String? = nil, error: String? = nil,
                retryCount: Int? = nil, taskId: String? = nil, oldStatus: String? = nil, newStatus: String? = nil,
                changedBy: String? = nil, oldAudience: String? = nil, newAudience: String? = nil,
                oldAllowedShardTypes: [String]? = nil, newAllowedShardTypes: [String]? = nil) {
        self.event = event
        self.integrationName = integrationName
        self.provider = provider
        self.error = error
        self.retryCount = retryCount
        self.taskId = taskId
        self.oldStatus = oldStatus
        self.newStatus = newStatus
        self.changedBy = changedBy
        self.oldAudience = oldAudience
        self.newAudience = newAudience
        self.oldAllowedShardTypes = oldAllowedShardTypes
        self.newAllowedShardTypes = newAllowedShardTypes
    }

    enum CodingKeys: String, CodingKey {
        case event, provider, error
        case integrationName = "integration_name"
        case retryCount = "retry_count"
        case taskId = "task_id"
        case oldStatus = "old_status"
        case newStatus = "new_status"
        case changedBy = "changed_by"
        case oldAudience = "old_audience"
        case newAudience = "new_audience"
        case oldAllowedShardTypes = "old_allowed_shard_types"
        case newAllowedShardTypes = "new_allowed_shard_types"
    }
}
