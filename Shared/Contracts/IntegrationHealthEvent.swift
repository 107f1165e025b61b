// What integration monitors publish on `integrations/health/{tenant}/{integration_id}` (seed 004).
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

    public init(event: String, integrationName: String? = nil, provider: String? = nil, error: String? = nil,
                retryCount: Int? = nil, taskId: String? = nil) {
        self.event = event
        self.integrationName = integrationName
        self.provider = provider
        self.error = error
        self.retryCount = retryCount
        self.taskId = taskId
    }

    enum CodingKeys: String, CodingKey {
        case event, provider, error
        case integrationName = "integration_name"
        case retryCount = "retry_count"
        case taskId = "task_id"
        case oldStatus = "old_status"
        case newStatus = "new_status"
        case changedBy = "changed_by"
    }
}
