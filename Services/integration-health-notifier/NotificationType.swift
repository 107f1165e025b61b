// How urgent an integration notification is, and the alert severity it is dispatched with.
import Contracts

public enum NotificationType: String, Sendable, CaseIterable, Codable {
    case information, warning, error, alert

    public var severity: Severity {
        switch self {
        case .information: .info
        case .warning: .warning
        case .error: .error
        case .alert: .critical
        }
    }
}
