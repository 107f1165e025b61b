// Preferences changed at run time: kept in SQLite over the file's, read back retained, dropped back to the file.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

@Test
func anAdminTurnsACategoryOnAndOffAtRunTime() throws {
    let fixture = try HealthFixture("health-prefs")
    let sync: [String: Any] = ["event": "integration.sync.failed", "task_id": "t1", "retry_count": 3]
    #expect(!(try fixture.publish(sync, integration: "a").told.contains("bob/email")), "the file turns bob's sync failures off")

    let readBack = try fixture.setPreferences(#"{"sync_failures": true, "connection_issues": false}"#, user: "bob")
    let effective = try #require(readBack.first)
    #expect(effective.topic == "integrations/preferences/acme/bob/effective" && effective.retain)
    let decoded = try JSONCoding.decode(PreferenceReadBack.self, from: effective.payload)
    #expect(decoded.preferences == IntegrationEventPreferences(connectionIssues: false, syncFailures: true))
    #expect(decoded.overrides == IntegrationPreferenceOverrides(connectionIssues: false, syncFailures: true))
    #expect(try fixture.publish(sync, integration: "b").told.contains("bob/email"), "the run-time preference overrides the file")
    #expect(!(try fixture.publish(["event": "integration.connection.test.failed"], integration: "b").told.contains("bob/email")))

    // A later change touches only its keys; null drops one override (back to the file's false for sync failures).
    let partial = try JSONCoding.decode(PreferenceReadBack.self, from: fixture.setPreferences(#"{"sync_failures": null}"#, user: "bob")[0].payload)
    #expect(partial.preferences == IntegrationEventPreferences(connectionIssues: false, syncFailures: false))
    #expect(partial.overrides == IntegrationPreferenceOverrides(connectionIssues: false))

    // Kept in SQLite: a notifier over the same store (a restart) sees them.
    let stored = try fixture.store.read { try HealthRecords.overrides($0, tenant: "acme", user: "bob") }
    #expect(stored == IntegrationPreferenceOverrides(connectionIssues: false))

    // An empty message drops every run-time override.
    let cleared = try JSONCoding.decode(PreferenceReadBack.self, from: fixture.setPreferences("", user: "bob")[0].payload)
    #expect(cleared.preferences == IntegrationEventPreferences(syncFailures: false))
    #expect(try fixture.store.read { try HealthRecords.overrides($0, tenant: "acme", user: "bob") } == nil)
}

@Test
func badPreferenceChangesAreRejected() throws {
    let fixture = try HealthFixture("health-prefs-bad")
    #expect(try fixture.setPreferences(#"{"sync_failures": "yes"}"#, user: "bob").rejections.map(\.reason) == [.wrongType])
    #expect(try fixture.setPreferences(#"{"everything": true}"#, user: "bob").rejections.map(\.reason) == [.invalidValue])
    #expect(try fixture.setPreferences(#"{"sync_failures": true}"#, user: "mallory").rejections.map(\.reason) == [.unknownUser])
    #expect(try fixture.setPreferences("[1]", user: "bob").rejections.map(\.reason) == [.notAnObject])
    #expect(try fixture.setPreferences(#"{"sync_failures": true}"#, tenant: "nobody", user: "bob").first?.topic == "alerting/rejected/nobody")
}
