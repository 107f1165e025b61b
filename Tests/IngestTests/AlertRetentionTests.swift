// Ingest prunes resolved alerts after the retention, once their retained state is gone; open ones stay; the
// per-alert queries seek an index.
import Contracts
import Foundation
import GRDB
@testable import Ingest
import Logging
import ServiceKit
import Store
import Testing
import TestSupport

@Suite struct AlertRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let day: TimeInterval = 86_400

    /// (id, status, last updated days ago, retained state cleared, kept)
    static let cases: [(String, AlertStatus, Double, Bool, Bool)] = [
        ("open for 60 days", .triggered, 60, false, true),
        ("acknowledged 60 days ago", .acknowledged, 60, false, true),
        ("resolved 40 days ago", .resolved, 40, true, false),
        ("resolved 40 days ago, still retained", .resolved, 40, false, true),
        ("resolved 10 days ago", .resolved, 10, true, true),
    ]

    @Test func resolvedAlertsGoAfterTheRetentionInBoundedTransactions() throws {
        let store = try Store(path: temporaryDirectory("ingest-retention").appendingPathComponent("ingest.sqlite").path,
                              migrations: AlertRecords.migrations)
        try store.write { db in
            for (id, status, daysAgo, cleared, _) in Self.cases {
                var alert = Alert(id: id, tenant: "acme", dedupKey: id, severity: .critical, summary: id,
                                  createdAt: Self.now.addingTimeInterval(-70 * Self.day))
                alert.status = status
                alert.updatedAt = Self.now.addingTimeInterval(-daysAgo * Self.day)
                try AlertRecords.save(db, alert)
                if cleared { try AlertRecords.markRetainedCleared(db, id: id) }
            }
            // Three more old resolved ones, so the batch of two needs three transactions.
            for n in 0..<3 {
                var alert = Alert(id: "old-\(n)", tenant: "acme", dedupKey: "old-\(n)", status: .resolved, severity: .info, summary: "old",
                                  createdAt: Self.now.addingTimeInterval(-90 * Self.day))
                alert.updatedAt = alert.createdAt
                try AlertRecords.save(db, alert)
                try AlertRecords.markRetainedCleared(db, id: alert.id)
            }
        }
        let first = try store.write { try AlertRecords.pruneResolved($0, before: Self.now.addingTimeInterval(-30 * Self.day), limit: 2) }
        #expect(first == 2, "at most the batch")
        let pruner = HistoryPruner(store: store, relay: nil, logger: Logger(label: "test"), steps: [
            .rows("resolved alerts") { db, before, limit in try AlertRecords.pruneResolved(db, before: before, limit: limit) },
        ], batch: 2)
        #expect(pruner.pruneOnce(now: Self.now, keepFor: 30 * Self.day) == 2)
        for (id, _, _, _, kept) in Self.cases {
            #expect((try store.read { try AlertRecords.alert($0, id: id) } != nil) == kept, "\(id)")
        }
        #expect(try store.read { try AlertRecords.count($0) } == 4)
    }

    @Test func perAlertQueriesSeekAnIndex() throws {
        let store = try Store(path: temporaryDirectory("ingest-plans").appendingPathComponent("ingest.sqlite").path,
                              migrations: AlertRecords.migrations)
        let queries = [
            "SELECT body FROM alerts WHERE tenant = ? AND dedup_key = ? AND status <> 'resolved'",
            "SELECT body FROM alerts WHERE id = ?",
            "UPDATE alerts SET retained_cleared = 1 WHERE id = ?",
            "SELECT id, tenant FROM alerts WHERE status = 'resolved' AND retained_cleared = 0 AND updated_at < ? ORDER BY updated_at LIMIT ?",
            """
            DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE status = 'resolved' AND retained_cleared = 1 AND updated_at < ?
                ORDER BY updated_at LIMIT ?)
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
