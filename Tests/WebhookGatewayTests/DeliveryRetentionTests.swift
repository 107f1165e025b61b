// The gateway prunes finished deliveries after the retention (never sooner than a dispatch can come back); pending
// ones stay; the per-dispatch queries seek an index.
import Contracts
import Foundation
import GRDB
import Logging
import ServiceKit
import Store
import Testing
import TestSupport
import GatewayKit
@testable import WebhookGateway

@Suite struct DeliveryRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let day: TimeInterval = 86_400

    static func dispatch(_ id: String) -> DispatchRequest {
        let alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .critical, summary: "s", createdAt: now)
        return DispatchRequest(dispatchId: id, kind: .notify, event: .triggered, channel: "webhook",
                               recipient: .init(kind: .service, service: "press-line", address: "hook"), title: "t", body: "b",
                               severity: .critical, alert: alert)
    }

    @Test func finishedDeliveriesGoAfterTheRetentionAndPendingOnesStay() throws {
        let store = try Store(path: temporaryDirectory("gateway-retention").appendingPathComponent("webhook-gateway.sqlite").path,
                              migrations: GatewayRecords.migrations)
        // (id, finished days ago or nil for pending, kept)
        let cases: [(String, Double?, Bool)] = [("pending-old", nil, true), ("finished-40d", 40, false), ("finished-35d", 35, false),
                                                 ("finished-31d", 31, false), ("finished-10d", 10, true)]
        try store.write { db in
            for (id, finished, _) in cases {
                _ = try GatewayRecords.insert(db, Self.dispatch(id), tenant: "acme", envelope: Data("{}".utf8),
                                               at: Self.now.addingTimeInterval(-50 * Self.day))
                if let finished {
                    try GatewayRecords.finish(db, dispatchId: id, status: .delivered, attempts: 1, httpStatus: 200, error: nil,
                                               at: Self.now.addingTimeInterval(-finished * Self.day))
                }
            }
        }
        let pruner = HistoryPruner(store: store, relay: nil, logger: Logger(label: "test"), steps: [
            .rows("finished deliveries") { db, before, limit in
                let deleted = try GatewayRecords.pruneFinished(db, before: before, limit: limit)
                #expect(deleted <= 2)
                return deleted
            },
        ], batch: 2)
        #expect(pruner.pruneOnce(now: Self.now, keepFor: GatewayRecords.keptFor(retention: 30 * Self.day)) == 3)
        for (id, _, kept) in cases {
            #expect((try store.read { try GatewayRecords.status($0, dispatchId: id) } != nil) == kept, "\(id)")
        }
        // A retention shorter than the redelivery window keeps a finished delivery as long as its dispatch can come back.
        #expect(GatewayRecords.keptFor(retention: 2 * Self.day) == HistoryPruner.redeliveryWindow)
    }

    @Test func perDispatchQueriesSeekAnIndex() throws {
        let store = try Store(path: temporaryDirectory("gateway-plans").appendingPathComponent("webhook-gateway.sqlite").path,
                              migrations: GatewayRecords.migrations)
        let queries = [
            "UPDATE deliveries SET status = ?, attempts = ?, http_status = ?, error = ?, finished_at = ? WHERE dispatch_id = ?",
            """
            SELECT rowid, dispatch_id, tenant, body, attempts FROM deliveries
            WHERE status = 'pending' AND not_before = 0 AND rowid >= ? ORDER BY rowid LIMIT ?
            """,
            """
            SELECT rowid, dispatch_id, tenant, body, attempts, not_before FROM deliveries INDEXED BY deliveries_due
            WHERE status = 'pending' AND not_before > 0 AND not_before <= ? AND (not_before, rowid) > (?, ?)
            ORDER BY not_before, rowid LIMIT ?
            """,
            """
            SELECT not_before FROM deliveries INDEXED BY deliveries_due
            WHERE status = 'pending' AND not_before > 0 AND (not_before, rowid) > (?, ?)
            ORDER BY not_before, rowid LIMIT 1
            """,
            "UPDATE deliveries SET attempts = ?, http_status = ?, error = ?, not_before = ? WHERE dispatch_id = ?",
            "SELECT status FROM deliveries WHERE dispatch_id = ?",
            """
            DELETE FROM deliveries WHERE dispatch_id IN (SELECT dispatch_id FROM deliveries WHERE status <> 'pending' AND finished_at < ?
                ORDER BY finished_at LIMIT ?)
            """,
        ]
        try store.read { db in
            for sql in queries {
                let plan = try QueryPlan.details(db, sql)
                #expect(try QueryPlan.growingSteps(db, sql) == [], "\(sql): \(plan)")
            }
        }
    }
}
