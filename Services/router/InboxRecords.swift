// The in-app inbox: each user's items and unread count in the router's SQLite, published retained as a snapshot.
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
        Migration("0205_inbox_unread") { db in
            // The unread count of each user, kept with every add, read and prune, so a snapshot never counts the
            // user's whole history; and an index for marking one alert's items read without walking all of them.
            try db.execute(sql: """
                CREATE TABLE inbox_unread (
                    tenant TEXT NOT NULL,
                    user TEXT NOT NULL,
                    unread INTEGER NOT NULL,
                    PRIMARY KEY (tenant, user)
                ) WITHOUT ROWID;
                INSERT INTO inbox_unread (tenant, user, unread)
                    SELECT tenant, user, SUM(read = 0) FROM inbox_items GROUP BY tenant, user;
                CREATE INDEX inbox_items_alert ON inbox_items(tenant, user, alert_id);
                """)
        },
        Migration("0209_inbox_item_details") { db in
            // What an item is (type), the route's priority, a link, and the alert's status (who, when) and level as
            // they change: an acknowledgement or resolution updates every recipient's items of the alert, found
            // through the (tenant, alert_id) index without walking anyone's history.
            try db.execute(sql: """
                ALTER TABLE inbox_items ADD COLUMN type TEXT;
                ALTER TABLE inbox_items ADD COLUMN priority TEXT;
                ALTER TABLE inbox_items ADD COLUMN link TEXT;
                ALTER TABLE inbox_items ADD COLUMN status TEXT;
                ALTER TABLE inbox_items ADD COLUMN status_by TEXT;
                ALTER TABLE inbox_items ADD COLUMN status_at REAL;
                ALTER TABLE inbox_items ADD COLUMN level INTEGER;
                CREATE INDEX inbox_items_by_alert ON inbox_items(tenant, alert_id);
                """)
        },
    ]

    /// Adds an item; false when it is there already.
    public static func add(_ db: Database, tenant: String, user: String, item: InboxItem) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO inbox_items (item_id, tenant, user, alert_id, title, body, severity, at, read, type, priority, link,
                status, status_by, status_at, level)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [item.id, tenant, user, item.alertId, item.title, item.body, item.severity.rawValue, item.at.timeIntervalSince1970,
                                     item.type, item.priority, item.link, item.status, item.statusBy, item.statusAt?.timeIntervalSince1970,
                                     item.level])
        guard db.changesCount > 0 else { return false }
        try db.cachedStatement(sql: """
            INSERT INTO inbox_unread (tenant, user, unread) VALUES (?, ?, 1)
            ON CONFLICT (tenant, user) DO UPDATE SET unread = unread + 1
            """).execute(arguments: [tenant, user])
        return true
    }

    /// Marks the user's items of one alert read; true when something changed.
    public static func markRead(_ db: Database, tenant: String, user: String, alertId: String) throws -> Bool {
        try db.cachedStatement(sql: markReadSQL)
                       .execute(arguments: [tenant, user, alertId])
        let marked = db.changesCount
        guard marked > 0 else { return false }
        try lowerUnread(db, tenant: tenant, user: user, by: marked)
        return true
    }

    /// The alert's status (and who changed it, when) and level on every user's items of it; returns the users whose
    /// items changed, whose snapshots are stale. `by` and `at` nil keep what the items say (an escalation).
    public static func follow(_ db: Database, tenant: String, alertId: String, status: String, by: String?, at: Date?, level: Int) throws -> [String] {
        try db.cachedStatement(sql: """
            UPDATE inbox_items SET status = ?, status_by = COALESCE(?, status_by), status_at = COALESCE(?, status_at),
                level = MAX(COALESCE(level, 0), ?)
            WHERE tenant = ? AND alert_id = ?
            """).execute(arguments: [status, by, at?.timeIntervalSince1970, level, tenant, alertId])
        guard db.changesCount > 0 else { return [] }
        return try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT user FROM inbox_items WHERE tenant = ? AND alert_id = ? ORDER BY user"),
                                   arguments: [tenant, alertId])
    }

    private static func lowerUnread(_ db: Database, tenant: String, user: String, by count: Int) throws {
        try db.cachedStatement(sql: "UPDATE inbox_unread SET unread = unread - ? WHERE tenant = ? AND user = ?")
                       .execute(arguments: [count, tenant, user])
    }

    /// The unread count over all items and the latest `keepLatest` items, newest first: a counter row and an index
    /// range, whatever the user's history.
    public static func snapshot(_ db: Database, tenant: String, user: String, keepLatest: Int) throws -> InboxSnapshot {
        let unread = try Int.fetchOne(db.cachedStatement(sql: unreadSQL), arguments: [tenant, user]) ?? 0
        let items = try Row.fetchAll(db.cachedStatement(sql: latestSQL), arguments: [tenant, user, max(keepLatest, 0)]).map { row in
            InboxItem(id: row["item_id"], alertId: row["alert_id"], title: row["title"], body: row["body"],
                      severity: Severity(rawValue: row["severity"]) ?? .info, at: Date(timeIntervalSince1970: row["at"]),
                      read: (row["read"] as Int) != 0, type: row["type"], priority: row["priority"], link: row["link"],
                      status: row["status"], statusBy: row["status_by"],
                      statusAt: (row["status_at"] as Double?).map(Date.init(timeIntervalSince1970:)), level: row["level"])
        }
        return InboxSnapshot(user: user, unread: unread, items: items)
    }

    static let unreadSQL = "SELECT unread FROM inbox_unread WHERE tenant = ? AND user = ?"
    static let latestSQL = "SELECT * FROM inbox_items WHERE tenant = ? AND user = ? ORDER BY at DESC, rowid DESC LIMIT ?"
    static let markReadSQL = "UPDATE inbox_items SET read = 1 WHERE tenant = ? AND user = ? AND alert_id = ? AND read = 0"

    /// The unread items counted one by one: what the kept count must always equal.
    public static func countedUnread(_ db: Database, tenant: String, user: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_items WHERE tenant = ? AND user = ? AND read = 0", arguments: [tenant, user]) ?? 0
    }

    /// One transaction of pruning: each user's items past the latest `keepLatest` go once read, or unread once older
    /// than `before` (they are out of the snapshot already; only the count still held them). Users are walked in key
    /// order from `resumeAt`; at most `limit` items are deleted and `userLimit` users visited. Returns the users whose
    /// unread count changed (their retained snapshot is stale) and where to resume, nil when every user was visited.
    public static func prune(_ db: Database, keepLatest: Int, before: Date, limit: Int, resumeAt: UserKey?, userLimit: Int = 200) throws
        -> (deleted: Int, unreadChanged: [UserKey], resumeAt: UserKey?) {
        let users = try Row.fetchAll(db, sql: """
            SELECT tenant, user FROM inbox_unread WHERE (tenant, user) >= (?, ?) ORDER BY tenant, user LIMIT ?
            """, arguments: [resumeAt?.tenant ?? "", resumeAt?.user ?? "", userLimit + 1]).map { UserKey(tenant: $0[0], user: $0[1]) }
        var deleted = 0
        var changed: [UserKey] = []
        let delete = try db.cachedStatement(sql: "DELETE FROM inbox_items WHERE rowid = ?")
        for user in users.prefix(userLimit) {
            // Past the latest keepLatest, newest first along the (tenant, user, at) index; what is kept is what is read.
            let older = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT rowid, read, at FROM inbox_items WHERE tenant = ? AND user = ? ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?
                """), arguments: [user.tenant, user.user, max(keepLatest, 0)])
            let doomed = older.filter { row in (row[1] as Int) != 0 || (row[2] as Double) < before.timeIntervalSince1970 }
            let batch = doomed.prefix(limit - deleted)
            for row in batch { try delete.execute(arguments: [row[0] as Int64]) }
            deleted += batch.count
            let unread = batch.filter { ($0[1] as Int) == 0 }.count
            if unread > 0 {
                try lowerUnread(db, tenant: user.tenant, user: user.user, by: unread)
                changed.append(user)
            }
            if batch.count < doomed.count { return (deleted, changed, user) }
        }
        return (deleted, changed, users.count > userLimit ? users[userLimit] : nil)
    }

    public struct UserKey: Sendable, Hashable {
        public var tenant: String
        public var user: String
        public init(tenant: String, user: String) { self.tenant = tenant; self.user = user }

        /// Tenant and user ids are topic segments, so neither holds a `/`.
        public var cursor: String { "\(tenant)/\(user)" }
        public init?(cursor: String?) {
            guard let cursor, let slash = cursor.firstIndex(of: "/") else { return nil }
            self.init(tenant: String(cursor[..<slash]), user: String(cursor[cursor.index(after: slash)...]))
        }
    }
}
