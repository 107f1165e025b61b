// The retained health of one integration on `integrations/state/{tenant}/{integration_id}`.
import Foundation

public struct IntegrationHealth: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// No failure reported since the integration was first seen or last recovered.
        case ok
        /// Warning-level failures (a disconnect, a failed connection test).
        case degraded
        /// Error-level failures (a connection error, a sync failed after its retries, expired credentials).
        case failing
    }

    public var tenant: String
    public var integrationId: String
    public var integrationName: String
    public var status: Status
    /// When `status` last changed.
    public var since: Date
    public var lastEvent: String
    public var lastEventAt: Date
    /// Failures reported since the last recovery.
    public var failingCount: Int
    /// The sync tasks reported failed (after their retries) since the last recovery.
    public var failedSyncTasks: [String]

    public init(tenant: String, integrationId: String, integrationName: String, status: Status = .ok, since: Date,
                lastEvent: String = "", lastEventAt: Date, failingCount: Int = 0, failedSyncTasks: [String] = []) {
        self.tenant = tenant
        self.integrationId = integrationId
        self.integrationName = integrationName
        self.status = status
        self.since = since
        self.lastEvent = lastEvent
        self.lastEventAt = lastEventAt
        self.failingCount = failingCount
        self.failedSyncTasks = failedSyncTasks
    }

    enum CodingKeys: String, CodingKey {
        case tenant, status, since
        case integrationId = "integration_id"
        case integrationName = "integration_name"
        case lastEvent = "last_event"
        case lastEventAt = "last_event_at"
        case failingCount = "failing_count"
        case failedSyncTasks = "failed_sync_tasks"
    }

    /// A failure: the status worsens (never improves), the count grows.
    mutating func recordFailure(_ level: Status, at now: Date) {
        failingCount += 1
        let worse = level == .failing || status == .failing ? Status.failing : .degraded
        if worse != status {
            status = worse
            since = now
        }
    }

    mutating func recover(at now: Date) {
        if status != .ok { since = now }
        status = .ok
        failingCount = 0
        failedSyncTasks = []
    }
}
