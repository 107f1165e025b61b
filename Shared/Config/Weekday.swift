// A day of the week as a schedule restriction writes it: mon … sun.

public enum Weekday: String, ConfigEnum {
    case mon, tue, wed, thu, fri, sat, sun

    /// The `Calendar` weekday number (Sunday is 1).
    public var calendarWeekday: Int {
        switch self {
        case .sun: 1
        case .mon: 2
        case .tue: 3
        case .wed: 4
        case .thu: 5
        case .fri: 6
        case .sat: 7
        }
    }

    public init?(calendarWeekday: Int) {
        guard let day = Weekday.allCases.first(where: { $0.calendarWeekday == calendarWeekday }) else { return nil }
        self = day
    }
}
