// Resolved alerts leave the broker's retained state a day after they were resolved; open ones never do.
import Contracts
import Foundation
import GRDB
@testable import Ingest
import Logging
import MQTT
import ServiceKit
import Store
import Testing
import TestSupport

@Test func theRetainedStateOfAlertsResolvedADayAgoIsClearedOnce() throws {
    let directory = temporaryDirectory("sweeper")
    let store = try Store(path: directory.appendingPathComponent("ingest.sqlite").path, migrations: AlertRecords.migrations)
    // A client that is never started: what the sweeper hands over stays queued, the outbox rows are what we check.
    let client = MQTTClient(settings: MQTTSettings(clientID: "sweeper-test"), subscriptions: [], logger: Logger(label: "test"))
    let relay = OutboxRelay(store: store, client: client, metrics: ServiceMetrics(service: "ingest-test"), logger: Logger(label: "test"), retries: HeldWork())
    let sweeper = RetainedStateSweeper(store: store, relay: relay, topics: Topics(), logger: Logger(label: "test"))
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func alert(_ id: String, status: AlertStatus, updated: Date) -> Alert {
        var alert = Alert(id: id, tenant: "acme", dedupKey: id, severity: .critical, summary: id, createdAt: updated.addingTimeInterval(-60))
        alert.status = status
        alert.updatedAt = updated
        return alert
    }
    try store.write { db in
        try AlertRecords.save(db, alert("resolved-long-ago", status: .resolved, updated: now.addingTimeInterval(-2 * 86_400)))
        try AlertRecords.save(db, alert("resolved-just-now", status: .resolved, updated: now.addingTimeInterval(-3600)))
        try AlertRecords.save(db, alert("open-for-days", status: .triggered, updated: now.addingTimeInterval(-5 * 86_400)))
    }

    #expect(sweeper.sweepOnce(now: now) == 1)
    let rows = try store.read { try Outbox.pending($0) }
    #expect(rows.map(\.topic) == ["alerting/alerts/acme/resolved-long-ago"])
    #expect(rows.first?.retain == true && rows.first?.payload.isEmpty == true, "an empty retained message removes the retained state")
    #expect(sweeper.sweepOnce(now: now) == 0, "cleared once")
    #expect(client.pendingPublishes == 1, "handed to the MQTT client after the commit")

    // The other resolved alert's turn comes a day after its resolution.
    #expect(sweeper.sweepOnce(now: now.addingTimeInterval(86_400)) == 1)
    // Saving an alert again (an acknowledge after all, a note) publishes its state again, so it is swept again later.
    try store.write { db in try AlertRecords.save(db, alert("resolved-long-ago", status: .resolved, updated: now)) }
    #expect(sweeper.sweepOnce(now: now.addingTimeInterval(2 * 86_400)) == 1)
}
