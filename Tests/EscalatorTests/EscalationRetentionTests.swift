// The escalator prunes resolved alerts' states and attention logs after the retention; open, acknowledged and
// expired ones stay; the per-alert queries seek an index.
import Config
import Contracts
import Escalator
import Foundation
import GRDB
import Logging
import ServiceKit
import Store
import Testing
import TestSupport

@Suite struct EscalationRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let day: TimeInterval = 86_400

    @Test func resolvedEscalationsGoAfterTheRetentionInBoundedTransactions() throws {
        let store = try Store(path: temporaryDirectory("escalator-retention").appendingPathComponent("escalator.sqlite").path,
                              migrations: EscalationRecords.migrations)
        // (id, status, resolved days ago, attention log entries, kept)
        let cases: [(String, EscalationStatus, Double?, Int, Bool)] = [
            ("pending", .pending, nil, 2, true), ("acknowledged", .acknowledged, nil, 2, true), ("expired", .expired, nil, 2, true),
            ("resolved-40d", .resolved, 40, 3, false), ("resolved-10d", .resolved, 10, 2, true),
        ]
        try store.write { db in
            for (id, status, resolvedDaysAgo, entries, _) in cases {
                var alert = Alert(id: id, tenant: "acme", dedupKey: id, severity: .critical, summary: id,
                                  createdAt: Self.now.addingTimeInterval(-60 * Self.day))
                if let resolvedDaysAgo {
                    alert.status = .resolved
                    alert.resolvedAt = Self.now.addingTimeInterval(-resolvedDaysAgo * Self.day)
                }
                var state = AlertEscalation(alert: alert)
                state.status = status
                try EscalationRecords.save(db, state, previous: [])
                try EscalationRecords.append(db, alertID: id, tenant: "acme", (0..<entries).map { _ in
                    AttentionEntry(at: alert.createdAt, kind: .noted, level: 0)
                })
            }
        }
        var rounds: [Int] = []
        while true {
            let deleted = try store.write { try EscalationRecords.pruneResolved($0, before: Self.now.addingTimeInterval(-30 * Self.day), limit: 2) }
            rounds.append(deleted)
            if deleted < 2 { break }
        }
        #expect(rounds == [2, 2, 0], "three log entries and the state of resolved-40d, two rows a transaction")
        for (id, _, _, entries, kept) in cases {
            #expect((try store.read { try EscalationRecords.state($0, alertID: id) } != nil) == kept, "\(id)")
            #expect(try store.read { try EscalationRecords.attentionLog($0, alertID: id) }.count == (kept ? entries : 0), "\(id)")
        }
        let pruner = HistoryPruner(store: store, relay: nil, logger: Logger(label: "test"), steps: [
            .rows("resolved") { db, before, limit in try EscalationRecords.pruneResolved(db, before: before, limit: limit) },
        ])
        #expect(pruner.pruneOnce(now: Self.now.addingTimeInterval(21 * Self.day), keepFor: 30 * Self.day) == 3, "resolved-10d's turn")
    }

    @Test func perAlertQueriesSeekAnIndex() throws {
        let store = try Store(path: temporaryDirectory("escalator-plans").appendingPathComponent("escalator.sqlite").path,
                              migrations: EscalationRecords.migrations)
        let queries = [
            "SELECT state FROM escalation_alerts WHERE alert_id = ?",
            "SELECT kind, pass, idx, due_at FROM escalation_timers WHERE alert_id = ?",
            "DELETE FROM escalation_timers WHERE alert_id = ? AND key = ?",
            "SELECT alert_id, kind, pass, idx, due_at FROM escalation_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?",
            "SELECT MIN(due_at) FROM escalation_timers",
            "SELECT entry FROM attention_log WHERE alert_id = ? ORDER BY id",
            "SELECT alert_id FROM escalation_alerts WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at LIMIT ?",
            "DELETE FROM attention_log WHERE id IN (SELECT id FROM attention_log WHERE alert_id = ? ORDER BY id LIMIT ?)",
        ]
        try store.read { db in
            for sql in queries {
                let plan = try QueryPlan.details(db, sql)
                #expect(try QueryPlan.growingSteps(db, sql) == [], "\(sql): \(plan)")
            }
        }
    }
}
