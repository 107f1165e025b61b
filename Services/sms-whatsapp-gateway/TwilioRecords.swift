// The gateway's own tables beside the deliveries: the last inbound WhatsApp message per sender and recipient (the 24 h
// session window), and the alerts sent to each number (what a reply refers to).
import Foundation
import GRDB
import Store

public enum TwilioRecords {
    public static let migrations: [Migration] = [
        Migration("1401_twilio_sessions") { db in
            try db.execute(sql: """
                CREATE TABLE whatsapp_sessions (
                    sender TEXT NOT NULL,
                    number TEXT NOT NULL,
                    last_inbound_at REAL NOT NULL,
                    PRIMARY KEY (sender, number)
                ) WITHOUT ROWID;
                CREATE TABLE sent_alerts (
                    tenant TEXT NOT NULL,
                    number TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    user TEXT,
                    summary TEXT NOT NULL,
                    sent_at REAL NOT NULL,
                    resolved INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (number, tenant, alert_id)
                );
                CREATE INDEX sent_alerts_sent_at ON sent_alerts(sent_at);
                """)
        },
    ]

    /// WhatsApp's customer service window: free text within 24 h of the recipient's last message.
    public static let sessionWindow: TimeInterval = 24 * 3_600

    public static func recordInbound(_ db: Database, sender: String, number: String, at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO whatsapp_sessions (sender, number, last_inbound_at) VALUES (?, ?, ?)
            ON CONFLICT (sender, number) DO UPDATE SET last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)
            """).execute(arguments: [sender, number, now.timeIntervalSince1970])
    }

    public static func lastInbound(_ db: Database, sender: String, number: String) throws -> Date? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT last_inbound_at FROM whatsapp_sessions WHERE sender = ? AND number = ?"),
                            arguments: [sender, number]).map { Date(timeIntervalSince1970: $0) }
    }

    public struct SentAlert: Sendable, Equatable {
        public var tenant: String
        public var alertId: String
        public var user: String?
        public var summary: String
        public var sentAt: Date
        public var resolved: Bool
    }

    public static func recordSent(_ db: Database, tenant: String, number: String, alertId: String, user: String?, summary: String,
                                  at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO sent_alerts (tenant, number, alert_id, user, summary, sent_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (number, tenant, alert_id) DO UPDATE SET sent_at = excluded.sent_at, summary = excluded.summary
            """).execute(arguments: [tenant, number, alertId, user, String(summary.prefix(200)), now.timeIntervalSince1970])
    }

    public static func markResolved(_ db: Database, tenant: String, alertId: String) throws {
        try db.cachedStatement(sql: "UPDATE sent_alerts SET resolved = 1 WHERE tenant = ? AND alert_id = ?")
            .execute(arguments: [tenant, alertId])
    }

    /// Alerts sent to `number` in `tenants` since `since`, newest first.
    public static func sent(_ db: Database, number: String, tenants: [String], since: Date) throws -> [SentAlert] {
        guard !tenants.isEmpty else { return [] }
        let marks = tenants.map { _ in "?" }.joined(separator: ",")
        return try Row.fetchAll(db, sql: """
            SELECT tenant, alert_id, user, summary, sent_at, resolved FROM sent_alerts
            WHERE number = ? AND tenant IN (\(marks)) AND sent_at >= ? ORDER BY sent_at DESC LIMIT 50
            """, arguments: StatementArguments([number] + tenants) + [since.timeIntervalSince1970])
            .map { SentAlert(tenant: $0["tenant"], alertId: $0["alert_id"], user: $0["user"], summary: $0["summary"],
                             sentAt: Date(timeIntervalSince1970: $0["sent_at"]), resolved: ($0["resolved"] as Int) != 0) }
    }

    /// Forgets what is older than `before` (a reply a week later has nothing to refer to).
    public static func prune(_ db: Database, before: Date, limit: Int) throws -> Int {
        try db.execute(sql: """
            DELETE FROM sent_alerts WHERE rowid IN (SELECT rowid FROM sent_alerts WHERE sent_at < ? LIMIT ?)
            """, arguments: [before.timeIntervalSince1970, limit])
        let removed = db.changesCount
        try db.execute(sql: "DELETE FROM whatsapp_sessions WHERE last_inbound_at < ?",
                       arguments: [before.timeIntervalSince1970 - sessionWindow])
        return removed
    }
}
