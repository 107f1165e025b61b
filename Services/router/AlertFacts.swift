// What the router remembers of each alert: its latest state (escalation steps carry only the id) and the times
// analytics needs (created, first acknowledged, escalations).
import Contracts
import Foundation
import GRDB
import Store

public enum AlertFacts {
    public static let migrations: [Migration] = [
        Migration("0203_router_alerts") { db in
            try db.execute(sql: """
                CREATE TABLE router_alerts (
                    tenant TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    alert BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    acknowledged_at REAL,
                    resolved_at REAL,
                    escalations INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (tenant, alert_id)
                );
                CREATE INDEX router_alerts_time ON router_alerts(tenant, created_at);
                """)
        },
        Migration("0207_router_alerts_resolved") { db in
            // Resolved alerts in resolution order: what history pruning walks.
            try db.execute(sql: "CREATE INDEX router_alerts_resolved ON router_alerts(resolved_at) WHERE resolved_at IS NOT NULL")
        },
    ]

    /// Keeps the latest alert state and the first acknowledge/resolve times.
    public static func record(_ db: Database, event: AlertEvent, at now: Date) throws {
        let alert = event.alert
        let acknowledged: Double? = event.kind == .acknowledged ? (alert.acknowledgedAt ?? now).timeIntervalSince1970 : nil
        // A later event of a resolved alert (a note) carries its resolution too: the row must not look open again.
        let resolved: Double? = event.kind == .resolved || alert.status == .resolved ? (alert.resolvedAt ?? now).timeIntervalSince1970 : nil
        let escalated = event.kind == .escalated ? 1 : 0
        try db.cachedStatement(sql: """
            INSERT INTO router_alerts (tenant, alert_id, alert, created_at, acknowledged_at, resolved_at, escalations)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant, alert_id) DO UPDATE SET alert = excluded.alert,
                acknowledged_at = COALESCE(router_alerts.acknowledged_at, excluded.acknowledged_at),
                resolved_at = COALESCE(router_alerts.resolved_at, excluded.resolved_at),
                escalations = router_alerts.escalations + excluded.escalations
            """).execute(arguments: [alert.tenant, alert.id, try JSONCoding.encode(alert), alert.createdAt.timeIntervalSince1970,
                             acknowledged, resolved, escalated])
    }

    public static func recordEscalation(_ db: Database, tenant: String, alertId: String) throws {
        try db.cachedStatement(sql: "UPDATE router_alerts SET escalations = escalations + 1 WHERE tenant = ? AND alert_id = ?")
                       .execute(arguments: [tenant, alertId])
    }

    public static func alert(_ db: Database, tenant: String, alertId: String) throws -> Alert? {
        guard let data = try Data.fetchOne(db, sql: "SELECT alert FROM router_alerts WHERE tenant = ? AND alert_id = ?",
                                           arguments: [tenant, alertId]) else { return nil }
        return try? JSONCoding.decode(Alert.self, from: data)
    }

    public struct Times: Sendable, Equatable {
        public var createdAt: Date
        public var acknowledgedAt: Date?
        public var escalations: Int
    }

    /// Alerts created in [from, to).
    public static func times(_ db: Database, tenant: String, from: Date, to: Date) throws -> [Times] {
        try Row.fetchAll(db, sql: """
            SELECT created_at, acknowledged_at, escalations FROM router_alerts WHERE tenant = ? AND created_at >= ? AND created_at < ?
            """, arguments: [tenant, from.timeIntervalSince1970, to.timeIntervalSince1970]).map { row in
            let acknowledged: Double? = row["acknowledged_at"]
            return Times(createdAt: Date(timeIntervalSince1970: row["created_at"]),
                         acknowledgedAt: acknowledged.map(Date.init(timeIntervalSince1970:)), escalations: row["escalations"])
        }
    }

    /// Alerts resolved before `before`, earliest first: their history can go.
    public static func resolved(_ db: Database, before: Date, limit: Int) throws -> [(tenant: String, alertId: String)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT tenant, alert_id FROM router_alerts WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at LIMIT ?
            """), arguments: [before.timeIntervalSince1970, limit]).map { (tenant: $0[0], alertId: $0[1]) }
    }

    public static func delete(_ db: Database, tenant: String, alertId: String) throws {
        try db.cachedStatement(sql: "DELETE FROM router_alerts WHERE tenant = ? AND alert_id = ?").execute(arguments: [tenant, alertId])
    }
}
