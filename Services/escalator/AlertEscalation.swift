// The escalation state of one alert: the alert as last seen, status, level and its pending timers.
import Contracts
import Foundation

public struct AlertEscalation: Codable, Sendable, Equatable {
    public var alert: Alert
    public var status: EscalationStatus
    /// Highest level reached (0: nobody beyond the first notification).
    public var level: Int
    /// Highest deadline threshold fired (1-based; 0 none), so each threshold fires once.
    public var deadlineLevel: Int
    public var timers: [EscalationTimer]

    public init(alert: Alert, status: EscalationStatus = .pending, level: Int = 0, deadlineLevel: Int = 0, timers: [EscalationTimer] = []) {
        self.alert = alert
        self.status = status
        self.level = level
        self.deadlineLevel = deadlineLevel
        self.timers = timers
    }

    enum CodingKeys: String, CodingKey {
        case alert, status, level, timers
        case deadlineLevel = "deadline_level"
    }

    /// The next step's due time (expiry left out): what ingest shows as `next_escalation_at`.
    public var nextDueAt: Date? { timers.filter(\.isStep).map(\.dueAt).min() }
}
