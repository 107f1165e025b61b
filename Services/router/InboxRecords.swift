// Seed 003's in-app inbox: each user's items in the router's SQLite, published retained as a snapshot.
import Contracts
import Foundation
import GRDB
import Store

public enum InboxRecords {
    public static let migrations: [Migration] = [
        Migration("0204_inbox_items") { db in
            try db.execute(sql: """
                CREATE TABLE inbox_items (
                    item_id TEXT PRIMARY KEY NOT NULL,
                    tenant TEXT NOT NULL,
                    user TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    at REAL NOT NULL,
                    read INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX inbox_items_user ON inbox_items(tenant, user, at);
                """)
        },
    ]

    /// Adds an item; false when it is there already.
    public static func add(_ db: Database, tenant: String, user: String, item: InboxItem) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO inbox_items (item_id, tenant, user, alert_id, title, body, severity, at, read)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
            """).execute(arguments: [item.id, tenant, user, item.alertId, item.title, item.body, item.severity.rawValue, item.at.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// Marks the user's items of one alert read; true when something changed.
    public static func markRead(_ db: Database, tenant: String, user: String, alertId: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE inbox_items SET read = 1 WHERE tenant = ? AND user = ? AND alert_id = ? AND read = 0")
                       .execute(arguments: [tenant, user, alertId])
        return db.changesCount > 0
    }

    /// The unread count over all items and the latest `keepLatest` items, newest first.
    public static func snapshot(_ db: Database, tenant: String, user: String, keepLatest: Int) throws -> InboxSnapshot {
        let unread = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_items WHERE tenant = ? AND user = ? AND read = 0",
                                      arguments: [tenant, user]) ?? 0
        let items = try Row.fetchAll(db, sql: """
            SELECT * FROM inbox_items WHERE tenant = ? AND user = ? ORDER BY at DESC, rowid DESC LIMIT ?
            """, arguments: [tenant, user, max(keepLatest, 0)]).map { row in
            InboxItem(id: row["item_id"], alertId: row["alert_id"], title: row["title"], body: row["body"],
                      severity: Severity(rawValue: row["severity"]) ?? .info, at: Date(timeIntervalSince1970: row["at"]),
                      read: (row["read"] as Int) != 0)
        }
        return InboxSnapshot(user: user, unread: unread, items: items)
    }
}
