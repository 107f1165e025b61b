// Alert severity, most urgent first: its values are generated from docs/asyncapi.yaml; here is its order.
extension Severity: Comparable {
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
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank > rhs.rank }
}
