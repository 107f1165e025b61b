// Repeated identical events within the flap window make one notification with a count; a recovery makes one.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

@Test
func aFlappingConnectionNotifiesOnceEachWayPerWindow() throws {
    let fixture = try HealthFixture("health-flap")
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    func at(_ minutes: Double, _ status: String) throws -> [Outbound] {
        try fixture.publish(["event": "integration.connection.status.changed", "integration_name": "CRM", "new_status": status],
                            now: t0.addingTimeInterval(minutes * 60))
    }
    let down = try at(0, "disconnected")
    #expect(down.dispatches.count == 6 && down.state?.status == .degraded)
    #expect(try at(1, "disconnected").dispatches.isEmpty, "the same event within the window is damped")
    let up = try at(2, "connected")
    #expect(up.dispatches.count == 6, "a recovery is notified once")
    #expect(up.dispatches.first?.request.title == "Integration Connection Recovered")
    #expect(up.dispatches.first?.request.body == "The connection of \"CRM\" has recovered: it is connected again after 2 reported failures.")
    #expect(up.dispatches.first?.request.severity == .info)
    #expect(up.state?.status == .ok && up.state?.failingCount == 0 && up.state?.since == t0.addingTimeInterval(120))
    #expect(try at(3, "disconnected").dispatches.isEmpty)
    let flapUp = try at(4, "connected")
    #expect(flapUp.dispatches.isEmpty, "the second recovery within the window is damped")
    #expect(flapUp.state?.status == .ok)
    #expect(try at(5, "connected").dispatches.isEmpty, "connected while healthy is no recovery")
    // After the window: one notification, with the count of what was held back.
    let later = try at(11, "disconnected")
    #expect(later.dispatches.count == 6)
    #expect(later.dispatches.first?.request.body.hasSuffix("(Repeated 2 more times since the previous notification.)") == true)
    #expect(later.dispatches.first?.request.alert.count == 3)
}

@Test
func differentEventsAreNotDampedTogether() throws {
    let fixture = try HealthFixture("health-flap-different")
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    #expect(try fixture.publish(["event": "integration.connection.test.failed"], now: t0).dispatches.count == 6)
    #expect(try fixture.publish(["event": "integration.credentials.expired"], now: t0.addingTimeInterval(1)).dispatches.count == 6)
    #expect(try fixture.publish(["event": "integration.connection.test.failed"], integration: "crm-2", now: t0.addingTimeInterval(2))
        .dispatches.count == 6, "another integration has its own window")
    #expect(try fixture.publish(["event": "integration.connection.test.failed"], now: t0.addingTimeInterval(3)).dispatches.isEmpty)
}

@Test
func aZeroWindowDampsNothing() throws {
    let yaml = HealthFixture.yaml.replacingOccurrences(of: "flap_window: 10m", with: "flap_window: 0s")
    let fixture = try HealthFixture("health-flap-zero", yaml: yaml)
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    for second in 0..<3 {
        #expect(try fixture.publish(["event": "integration.connection.test.failed"], now: t0.addingTimeInterval(Double(second))).dispatches.count == 6)
    }
}

@Test
func theWindowRule() {
    let t0 = Date(timeIntervalSince1970: 0)
    var window: FlapDamper.Window? = nil
    var sent: [Int] = []
    for minute in [0, 1, 2, 9, 10, 11, 25] {
        let result = FlapDamper.admit(window, now: t0.addingTimeInterval(Double(minute) * 60), window: 600)
        if result.send { sent.append(minute) }
        window = result.next
    }
    #expect(sent == [0, 10, 25])
}
