// The severity words of the configuration (a user's min_severity), ordered by urgency.

/// Same words and order as the alert severity of the message contracts, so
/// `SeverityLevel(rawValue: alert.severity.rawValue)` converts.
public enum SeverityLevel: String, ConfigEnum, Comparable {
    case critical, error, warning, info

    /// Lower is more urgent.
    public var rank: Int {
        switch self {
        case .critical: 0
        case .error: 1
        case .warning: 2
        case .info: 3
        }
    }

    /// Ordered by urgency: `.critical > .info`.
    public static func < (lhs: SeverityLevel, rhs: SeverityLevel) -> Bool { lhs.rank > rhs.rank }
}
