// Ingest's table of alerts: the one place an alert's lifecycle is written.
import Contracts
import Foundation
import GRDB
import Store

public enum AlertRecords {
    public static let migrations: [Migration] = [
        Migration("0101_alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alerts (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant TEXT NOT NULL,
                    dedup_key TEXT NOT NULL,
                    status TEXT NOT NULL,
                    body BLOB NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE UNIQUE INDEX alerts_open_dedup ON alerts(tenant, dedup_key) WHERE status <> 'resolved';
                """)
        },
        Migration("0102_retained_cleared") { db in
            // 1 once the retained state of a resolved alert was cleared on the broker (RetainedStateSweeper).
            try db.execute(sql: """
                ALTER TABLE alerts ADD COLUMN retained_cleared INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX alerts_resolved_retained ON alerts(updated_at) WHERE status = 'resolved' AND retained_cleared = 0;
                """)
        },
        Migration("0103_alerts_prunable") { db in
            // Resolved alerts whose retained state is gone, in the order they were last updated: what pruning walks.
            try db.execute(sql: """
                CREATE INDEX alerts_resolved_cleared ON alerts(updated_at) WHERE status = 'resolved' AND retained_cleared = 1;
                """)
        },
    ]

    /// The open (triggered or acknowledged) alert with this dedup key, if any.
    public static func openAlert(_ db: Database, tenant: String, dedupKey: String) throws -> Alert? {
        let statement = try db.cachedStatement(sql: "SELECT body FROM alerts WHERE tenant = ? AND dedup_key = ? AND status <> 'resolved'")
        guard let body = try Data.fetchOne(statement, arguments: [tenant, dedupKey]) else { return nil }
        return try JSONCoding.decode(Alert.self, from: body)
    }

    public static func alert(_ db: Database, id: String) throws -> Alert? {
        let statement = try db.cachedStatement(sql: "SELECT body FROM alerts WHERE id = ?")
        guard let body = try Data.fetchOne(statement, arguments: [id]) else { return nil }
        return try JSONCoding.decode(Alert.self, from: body)
    }

    public static func save(_ db: Database, _ alert: Alert) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO alerts (id, tenant, dedup_key, status, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, body = excluded.body, updated_at = excluded.updated_at,
                retained_cleared = 0
            """)
        try statement.execute(arguments: [alert.id, alert.tenant, alert.dedupKey, alert.status.rawValue,
                                          try JSONCoding.encode(alert), alert.updatedAt.timeIntervalSince1970])
    }

    /// Resolved alerts whose retained state is still on the broker, resolved (last updated) before `before`.
    public static func resolvedWithRetainedState(_ db: Database, before: Date, limit: Int) throws -> [(id: String, tenant: String)] {
        let statement = try db.cachedStatement(sql: """
            SELECT id, tenant FROM alerts WHERE status = 'resolved' AND retained_cleared = 0 AND updated_at < ?
            ORDER BY updated_at LIMIT ?
            """)
        return try Row.fetchAll(statement, arguments: [before.timeIntervalSince1970, limit]).map { (id: $0[0], tenant: $0[1]) }
    }

    public static func markRetainedCleared(_ db: Database, id: String) throws {
        try db.cachedStatement(sql: "UPDATE alerts SET retained_cleared = 1 WHERE id = ?").execute(arguments: [id])
    }

    /// Deletes up to `limit` resolved alerts last updated before `before` whose retained state was cleared (an alert
    /// still retained on the broker stays until the sweeper clears it); open and acknowledged alerts always stay.
    public static func pruneResolved(_ db: Database, before: Date, limit: Int) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE status = 'resolved' AND retained_cleared = 1 AND updated_at < ?
                ORDER BY updated_at LIMIT ?)
            """).execute(arguments: [before.timeIntervalSince1970, limit])
        return db.changesCount
    }

    public static func count(_ db: Database, status: AlertStatus? = nil) throws -> Int {
        if let status {
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts") ?? 0
    }
}
