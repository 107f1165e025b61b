// The router's history: the kept unread count, what retention prunes and keeps, in bounded transactions, and the
// per-alert queries seeking indexes however long the history.
import Config
import Contracts
import Foundation
import GRDB
import Logging
@testable import Router
import ServiceKit
import Store
import Testing
import TestSupport

private let now = Date(timeIntervalSince1970: 1_790_000_000)
private let day: TimeInterval = 86_400

private func routerStore(_ name: String) throws -> Store {
    try Store(path: temporaryDirectory(name).appendingPathComponent("router.sqlite").path, migrations: RouterService.migrations)
}

private func item(_ id: String, alert: String, at: Date) -> InboxItem {
    InboxItem(id: id, alertId: alert, title: id, body: id, severity: .critical, at: at)
}

@Suite struct InboxUnreadCountTests {
    /// Every operation on the inbox, and after each the kept count equals the count of unread rows.
    enum Operation: Sendable, CustomTestStringConvertible {
        case add(user: String, alert: String, daysAgo: Double)
        case read(user: String, alert: String)
        case prune(keepLatest: Int)

        var testDescription: String { "\(self)" }
    }

    static let script: [[Operation]] = [
        [.add(user: "ann", alert: "a1", daysAgo: 0), .add(user: "ann", alert: "a2", daysAgo: 0), .read(user: "ann", alert: "a1")],
        [.add(user: "ann", alert: "a1", daysAgo: 40), .add(user: "ann", alert: "a1", daysAgo: 39), .add(user: "ann", alert: "a2", daysAgo: 1),
         .prune(keepLatest: 1)],
        [.add(user: "ann", alert: "a1", daysAgo: 2), .add(user: "ann", alert: "a2", daysAgo: 1), .add(user: "ann", alert: "a3", daysAgo: 0),
         .read(user: "ann", alert: "a1"), .read(user: "ann", alert: "a1"), .prune(keepLatest: 1), .add(user: "ann", alert: "a4", daysAgo: 0),
         .read(user: "ann", alert: "a3"), .prune(keepLatest: 2)],
        [.add(user: "ann", alert: "a1", daysAgo: 50), .add(user: "bob", alert: "a1", daysAgo: 50), .add(user: "bob", alert: "a2", daysAgo: 0),
         .read(user: "bob", alert: "a2"), .prune(keepLatest: 1), .read(user: "ann", alert: "a1"), .prune(keepLatest: 1)],
    ]

    @Test(arguments: script)
    func theKeptUnreadCountIsTheTrueCount(_ operations: [Operation]) throws {
        let store = try routerStore("inbox-count")
        var serial = 0
        for operation in operations {
            try store.write { db in
                switch operation {
                case let .add(user, alert, daysAgo):
                    serial += 1
                    #expect(try InboxRecords.add(db, tenant: "acme", user: user, item: item("i\(serial)", alert: alert, at: now.addingTimeInterval(-daysAgo * day))))
                    // The same item again (a redelivery) counts once.
                    #expect(try !InboxRecords.add(db, tenant: "acme", user: user, item: item("i\(serial)", alert: alert, at: now)))
                case let .read(user, alert):
                    _ = try InboxRecords.markRead(db, tenant: "acme", user: user, alertId: alert)
                case let .prune(keepLatest):
                    var cursor: InboxRecords.UserKey?
                    repeat {
                        cursor = try InboxRecords.prune(db, keepLatest: keepLatest, before: now.addingTimeInterval(-30 * day), limit: 1,
                                                        resumeAt: cursor, userLimit: 1).resumeAt
                    } while cursor != nil
                }
                for user in ["ann", "bob"] {
                    let kept = try InboxRecords.snapshot(db, tenant: "acme", user: user, keepLatest: 10).unread
                    #expect(kept == (try InboxRecords.countedUnread(db, tenant: "acme", user: user)), "after \(operation)")
                }
            }
        }
    }

    @Test func pruningKeepsTheLatestItemsAndTheUnreadOnesWithinTheRetention() throws {
        let store = try routerStore("inbox-prune")
        try store.write { db in
            // Oldest first: r1…r4 read, u1 unread and older than the retention, u2 unread and recent, then the latest two.
            let items: [(String, Double, Bool)] = [("r1", 50, true), ("u1", 45, false), ("r2", 20, true), ("u2", 10, false),
                                                   ("r3", 5, true), ("latest-read", 2, true), ("latest-unread", 1, false)]
            for (id, daysAgo, read) in items {
                _ = try InboxRecords.add(db, tenant: "acme", user: "ann", item: item(id, alert: id, at: now.addingTimeInterval(-daysAgo * day)))
                if read { _ = try InboxRecords.markRead(db, tenant: "acme", user: "ann", alertId: id) }
            }
            _ = try InboxRecords.add(db, tenant: "acme", user: "bob", item: item("bob-read", alert: "x", at: now.addingTimeInterval(-60 * day)))
            _ = try InboxRecords.markRead(db, tenant: "acme", user: "bob", alertId: "x")
        }
        let pruner = HistoryPruner(store: store, relay: nil, logger: Logger(label: "test"), steps: [
            PruneStep("inbox items") { db, request in
                let pruned = try InboxRecords.prune(db, keepLatest: 2, before: request.before, limit: request.limit,
                                                    resumeAt: InboxRecords.UserKey(cursor: request.resumeAt))
                #expect(pruned.deleted <= request.limit, "bounded transactions")
                return PruneRound(deleted: pruned.deleted, resumeAt: pruned.resumeAt?.cursor)
            },
        ], batch: 2)
        #expect(pruner.pruneOnce(now: now, keepFor: 30 * day) == 4, "r1, u1, r2, r3 go; bob's only item is among his latest")
        let left = try store.read { db in try String.fetchAll(db, sql: "SELECT item_id FROM inbox_items WHERE user = 'ann' ORDER BY at") }
        #expect(left == ["u2", "latest-read", "latest-unread"])
        #expect(try store.read { try InboxRecords.snapshot($0, tenant: "acme", user: "ann", keepLatest: 2) }.unread == 2)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM inbox_items WHERE user = 'bob'") } == 1)
        #expect(pruner.pruneOnce(now: now, keepFor: 30 * day) == 0)
    }

    @Test func theMigrationCountsWhatTheInboxHeldBefore() throws {
        let path = temporaryDirectory("inbox-migration").appendingPathComponent("router.sqlite").path
        let before = RouterService.migrations.filter { $0.name != "0205_inbox_unread" && $0.name != "0206_dispatches_alert_time"
            && $0.name != "0207_router_alerts_resolved" }
        try Store(path: path, migrations: before).write { db in
            for (id, read) in [("i1", 1), ("i2", 0), ("i3", 0)] {
                try db.execute(sql: """
                    INSERT INTO inbox_items (item_id, tenant, user, alert_id, title, body, severity, at, read)
                    VALUES (?, 'acme', 'ann', ?, 't', 'b', 'critical', 0, ?)
                    """, arguments: [id, id, read])
            }
        }
        let store = try Store(path: path, migrations: RouterService.migrations)
        #expect(try store.read { try InboxRecords.snapshot($0, tenant: "acme", user: "ann", keepLatest: 10) }.unread == 2)
    }
}

@Suite struct RouterRetentionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let status: AlertStatus
        /// When the alert was resolved (days ago), for resolved ones.
        let resolvedDaysAgo: Double?
        let kept: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "open for 60 days", status: .triggered, resolvedDaysAgo: nil, kept: true),
        .init(name: "acknowledged 60 days ago", status: .acknowledged, resolvedDaysAgo: nil, kept: true),
        .init(name: "resolved 40 days ago", status: .resolved, resolvedDaysAgo: 40, kept: false),
        .init(name: "resolved 10 days ago", status: .resolved, resolvedDaysAgo: 10, kept: true),
    ]

    /// An alert created 60 days ago with `dispatches` dispatches (one with a provider reference), in the state of `c`.
    static func record(_ c: Case, id: String, dispatches: Int, in db: Database) throws {
        var alert = Alert(id: id, tenant: "acme", dedupKey: id, severity: .critical, summary: id, createdAt: now.addingTimeInterval(-60 * day))
        try AlertFacts.record(db, event: AlertEvent(kind: .triggered, alert: alert), at: alert.createdAt)
        for n in 0..<dispatches {
            let request = DispatchRequest(dispatchId: "\(id)-d\(n)", kind: .notify, event: .triggered, channel: "slack",
                                          recipient: .init(kind: .user, user: "ann", address: "U\(n)"), title: "t", body: "b",
                                          severity: .critical, alert: alert)
            let envelope = try Envelope(id: request.dispatchId, source: "alerting/router", tenant: "acme", data: request).encoded()
            _ = try DispatchRecords.recordPending(db, request, tenant: "acme", at: alert.createdAt, envelope: envelope)
            try DispatchRecords.apply(db, DeliveryReceipt(dispatchId: request.dispatchId, alertId: id, channel: "slack", status: .sent,
                                                          attempt: 1, providerRef: "C1:\(n)"), tenant: "acme", at: alert.createdAt)
        }
        switch c.status {
        case .triggered: break
        case .acknowledged:
            alert.status = .acknowledged
            alert.acknowledgedAt = now.addingTimeInterval(-59 * day)
            try AlertFacts.record(db, event: AlertEvent(kind: .acknowledged, alert: alert), at: alert.acknowledgedAt!)
        case .resolved:
            alert.status = .resolved
            alert.resolvedAt = now.addingTimeInterval(-c.resolvedDaysAgo! * day)
            try AlertFacts.record(db, event: AlertEvent(kind: .resolved, alert: alert), at: alert.resolvedAt!)
        }
    }

    @Test(arguments: cases)
    func resolvedAlertsGoAfterTheRetentionWithTheirDispatches(_ c: Case) throws {
        let store = try routerStore("router-retention")
        try store.write { db in try Self.record(c, id: "a1", dispatches: 3, in: db) }
        let pruner = HistoryPruner(store: store, relay: nil, logger: Logger(label: "test"), steps: [
            PruneStep("alerts") { db, request in try RouterHistory.pruneResolvedAlerts(db, before: request.before, limit: request.limit) },
        ])
        #expect(pruner.pruneOnce(now: now, keepFor: 30 * day) == (c.kept ? 0 : 4))
        let dispatches = try store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }
        #expect(dispatches.count == (c.kept ? 3 : 0))
        let facts = try store.read { try AlertFacts.alert($0, tenant: "acme", alertId: "a1") }
        #expect((facts != nil) == c.kept)
        if c.kept && c.status != .resolved {
            // What an update of the open alert is built from is still there, provider references included.
            let notified = try store.read { try DispatchRecords.notified($0, tenant: "acme", alertId: "a1") }
            #expect(notified.map(\.0.providerRef) == ["C1:0", "C1:1", "C1:2"])
        }
    }

    @Test func eachTransactionDeletesAtMostTheBatch() throws {
        let store = try routerStore("router-retention-batch")
        let old = Case(name: "old", status: .resolved, resolvedDaysAgo: 40, kept: false)
        try store.write { db in
            try Self.record(old, id: "a1", dispatches: 5, in: db)
            try Self.record(old, id: "a2", dispatches: 2, in: db)
            try Self.record(Case(name: "open", status: .triggered, resolvedDaysAgo: nil, kept: true), id: "a3", dispatches: 2, in: db)
        }
        var rounds: [Int] = []
        var resume: String? = nil
        repeat {
            let round = try store.write { try RouterHistory.pruneResolvedAlerts($0, before: now.addingTimeInterval(-30 * day), limit: 3) }
            rounds.append(round.deleted)
            resume = round.resumeAt
        } while resume != nil
        #expect(rounds == [3, 3, 3, 0], "5 + 1 dispatches and facts of a1, then 2 + 1 of a2, three rows a transaction")
        #expect(try store.read { try DispatchRecords.all($0) }.map(\.alertId) == ["a3", "a3"])
    }

    @Test func analyticsSayWhichPeriodTheyCover() throws {
        let store = try routerStore("router-analytics")
        let within = try store.read { try Analytics.report($0, tenant: "acme", window: .days(7), now: now, keptFor: .days(30)) }
        #expect(!within.truncated && within.from == now.addingTimeInterval(-7 * day))
        let beyond = try store.read { try Analytics.report($0, tenant: "acme", window: .days(90), now: now, keptFor: .days(30)) }
        #expect(beyond.truncated && beyond.from == now.addingTimeInterval(-30 * day), "only the kept period is reported")
    }
}

@Suite struct RouterQueryPlanTests {
    /// Every query the router runs per alert, per receipt or per inbox change, with the index it must seek.
    static let perAlert: [(String, String)] = [
        ("inbox unread count", InboxRecords.unreadSQL),
        ("inbox latest items", InboxRecords.latestSQL),
        ("inbox mark read", InboxRecords.markReadSQL),
        ("inbox unread up", "INSERT INTO inbox_unread (tenant, user, unread) VALUES (?, ?, 1) ON CONFLICT (tenant, user) DO UPDATE SET unread = unread + 1"),
        ("alert facts", "SELECT alert FROM router_alerts WHERE tenant = ? AND alert_id = ?"),
        ("alert escalation count", "UPDATE router_alerts SET escalations = escalations + 1 WHERE tenant = ? AND alert_id = ?"),
        ("notified dispatches", DispatchRecords.notifiedSQL),
        ("dispatch row", "SELECT * FROM dispatches WHERE dispatch_id = ? AND tenant = ?"),
        ("dispatch request", "SELECT request FROM dispatches WHERE dispatch_id = ?"),
        ("receipt", """
            UPDATE dispatches SET status = ?, updated_at = ? WHERE dispatch_id = ? AND tenant = ? AND (CASE status WHEN 'pending' THEN 0 ELSE 1 END) <= ?
            """),
        ("in-app dispatches read", """
            UPDATE dispatches SET status = 'read', updated_at = ?
            WHERE tenant = ? AND alert_id = ? AND recipient_user = ? AND channel = 'in_app' AND status != 'read'
            """),
        ("resolved alerts to prune", "SELECT tenant, alert_id FROM router_alerts WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at LIMIT ?"),
        ("an alert's dispatches to prune", "DELETE FROM dispatches WHERE rowid IN (SELECT rowid FROM dispatches WHERE tenant = ? AND alert_id = ? LIMIT ?)"),
    ]

    @Test func perAlertQueriesSeekAnIndex() throws {
        let store = try routerStore("router-plans")
        try store.read { db in
            for (name, sql) in Self.perAlert {
                let plan = try QueryPlan.details(db, sql)
                #expect(try QueryPlan.growingSteps(db, sql) == [], "\(name): \(plan)")
            }
            // What the check catches: a filter no index leads with, and an order no index gives.
            #expect(try QueryPlan.growingSteps(db, "SELECT * FROM dispatches WHERE recipient = ?") != [])
            #expect(try QueryPlan.growingSteps(db, "SELECT * FROM inbox_items WHERE tenant = ? AND user = ? ORDER BY title") != [])
        }
    }
}
