// Who is on call in a schedule at an instant: every active layer's current user, in layer order.
import Config
import Foundation

public enum OnCall {
    /// All on-call users at `instant`: one per active layer, without repeats, in layer order
    /// (every active layer counts, not just the first).
    public static func users(of schedule: Schedule, at instant: Date) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = schedule.zone
        var seen = Set<String>()
        return schedule.layers.compactMap { layer(layer: $0, at: instant, calendar: calendar) }.filter { seen.insert($0).inserted }
    }

    /// The user of one layer at `instant`, or nil when the layer has not started, is empty, or is outside its restriction.
    public static func user(of layer: ScheduleLayer, in schedule: Schedule, at instant: Date) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = schedule.zone
        return self.layer(layer: layer, at: instant, calendar: calendar)
    }

    static func layer(layer: ScheduleLayer, at instant: Date, calendar: Calendar) -> String? {
        guard !layer.users.isEmpty, instant >= layer.start, layer.rotation.seconds > 0 else { return nil }
        if let restriction = layer.restrict, !isInside(restriction, instant, calendar: calendar) { return nil }
        let turn = turnNumber(layer, at: instant, calendar: calendar)
        return layer.users[turn % layer.users.count]
    }

    /// The number of whole turns since the layer's start. Turns of whole days are counted in calendar days of
    /// the schedule's zone, so a 09:00 handover stays at 09:00 local time across a DST change.
    static func turnNumber(_ layer: ScheduleLayer, at instant: Date, calendar: Calendar) -> Int {
        let elapsed = instant.timeIntervalSince(layer.start)
        let seconds = layer.rotation.seconds
        var turn = Int((elapsed / seconds).rounded(.down))
        let days = seconds / 86400
        guard days >= 1, days == days.rounded() else { return max(turn, 0) }
        let step = Int(days)
        func startOf(_ n: Int) -> Date {
            calendar.date(byAdding: .day, value: n * step, to: layer.start) ?? layer.start.addingTimeInterval(Double(n) * seconds)
        }
        // The estimate is off by at most one turn (an hour of DST per change).
        while turn > 0, startOf(turn) > instant { turn -= 1 }
        while startOf(turn + 1) <= instant { turn += 1 }
        return max(turn, 0)
    }

    /// True inside the weekly window, read in the schedule's zone. A window whose `to` is not after `from`
    /// runs past midnight and belongs to the day it starts on.
    static func isInside(_ restriction: LayerRestriction, _ instant: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: instant)
        guard let weekdayNumber = parts.weekday, let day = Weekday(calendarWeekday: weekdayNumber) else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let from = restriction.from.minutes, to = restriction.to.minutes
        if from < to { return restriction.days.contains(day) && minute >= from && minute < to }
        let previous = Weekday(calendarWeekday: weekdayNumber == 1 ? 7 : weekdayNumber - 1)!
        return (restriction.days.contains(day) && minute >= from) || (restriction.days.contains(previous) && minute < to)
    }
}
