// Schedules across a week, at rotation boundaries and over DST changes in a non-UTC zone.
import Config
import Directory
import Foundation
import Testing

@Test func thePrimaryScheduleAcrossAWeek() throws {
    let schedule = try #require(ExampleDirectory.config.tenant(id: "acme")?.schedule(id: "primary"))
    let table: [(String, [String])] = [
        ("2026-11-01T12:00:00Z", []),                 // before the layers start
        ("2026-11-02T08:59:59Z", []),
        ("2026-11-02T09:00:00Z", ["carol", "alice"]), // Monday
        ("2026-11-03T12:00:00Z", ["carol", "alice"]),
        ("2026-11-04T16:59:00Z", ["carol", "alice"]),
        ("2026-11-05T17:00:00Z", ["carol"]),          // Thursday after hours
        ("2026-11-06T12:00:00Z", ["carol", "alice"]), // Friday
        ("2026-11-07T12:00:00Z", ["carol"]),          // Saturday
        ("2026-11-08T12:00:00Z", ["carol"]),          // Sunday
        ("2026-11-09T09:00:00Z", ["bob", "alice"]),   // the weekly handover
        ("2026-11-16T09:00:00Z", ["carol", "alice"]), // and back
    ]
    for (instant, expected) in table {
        #expect(OnCall.users(of: schedule, at: ExampleDirectory.date(instant)) == expected, "at \(instant)")
    }
}

private func berlin(_ layers: String) throws -> Schedule {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: a, email: a@example.test}
              - {id: b, email: b@example.test}
              - {id: n, email: n@example.test}
            incident_targeting: {mode: all_members}
            schedules:
              - id: s
                time_zone: Europe/Berlin
                layers:
        \(layers)
        """)
    return config.tenants[0].schedules[0]
}

@Test func dailyHandoversStayAtLocalTimeAcrossSpringForward() throws {
    // 09:00 in Berlin: 08:00Z before 2026-03-29, 07:00Z after it.
    let schedule = try berlin("""
                  - {name: daily, start: "2026-03-27T08:00:00Z", rotation: 1d, users: [a, b]}
        """)
    let table: [(String, [String])] = [
        ("2026-03-27T08:00:00Z", ["a"]), ("2026-03-28T07:59:00Z", ["a"]), ("2026-03-28T08:00:00Z", ["b"]),
        ("2026-03-29T07:00:00Z", ["a"]),              // Sunday 09:00 CEST: the handover moved with the clock
        ("2026-03-29T06:59:00Z", ["b"]),
        ("2026-03-30T07:30:00Z", ["b"]),              // 09:30 local; 23.5 h of seconds would still say "a"
    ]
    for (instant, expected) in table {
        #expect(OnCall.users(of: schedule, at: ExampleDirectory.date(instant)) == expected, "at \(instant)")
    }
}

@Test func restrictionsAreReadInTheSchedulesZoneAcrossFallBack() throws {
    let schedule = try berlin("""
                  - {name: office, start: "2026-10-01T00:00:00Z", rotation: 7d, users: [a], restrict: {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}}
                  - {name: nights, start: "2026-10-01T00:00:00Z", rotation: 7d, users: [n], restrict: {days: [sat], from: "22:00", to: "06:00"}}
        """)
    let table: [(String, [String])] = [
        ("2026-10-23T07:00:00Z", ["a"]),              // Friday 09:00 CEST
        ("2026-10-23T06:59:00Z", []),
        ("2026-10-24T20:00:00Z", ["n"]),              // Saturday 22:00 CEST
        ("2026-10-25T04:59:00Z", ["n"]),              // Sunday 05:59 CET (after the clocks went back): still Saturday's night
        ("2026-10-25T05:00:00Z", []),                 // 06:00 CET
        ("2026-10-26T08:00:00Z", ["a"]),              // Monday 09:00 CET = 08:00Z
        ("2026-10-26T07:30:00Z", []),                 // 08:30 CET, though it would be 09:30 in summer time
    ]
    for (instant, expected) in table {
        #expect(OnCall.users(of: schedule, at: ExampleDirectory.date(instant)) == expected, "at \(instant)")
    }
}

@Test func everyActiveLayerIsOnCallNotJustTheFirst() throws {
    let schedule = try berlin("""
                  - {name: one, start: "2026-01-01T00:00:00Z", rotation: 7d, users: [a]}
                  - {name: two, start: "2026-01-01T00:00:00Z", rotation: 7d, users: [b]}
                  - {name: dup, start: "2026-01-01T00:00:00Z", rotation: 7d, users: [a]}
        """)
    #expect(OnCall.users(of: schedule, at: ExampleDirectory.date("2026-06-01T12:00:00Z")) == ["a", "b"])
}
