// The gateway's record of its Slack messages: one per alert and conversation, with the `ts` its edits need.
import Foundation
import GRDB
import Store

public enum SlackMessages {
    public static let migrations: [Migration] = [
        Migration("0401_slack_messages") { db in
            // `ts` is NULL while a post is under way: after a crash, Slack is asked whether it arrived before posting again.
            try db.execute(sql: """
                CREATE TABLE slack_messages (
                    tenant TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    conversation TEXT NOT NULL,
                    dispatch_id TEXT NOT NULL,
                    channel_id TEXT,
                    ts TEXT,
                    priority TEXT,
                    shown_at REAL NOT NULL DEFAULT 0,
                    posted_at REAL NOT NULL,
                    PRIMARY KEY (tenant, alert_id, conversation)
                );
                CREATE INDEX slack_messages_posted ON slack_messages(posted_at);
                """)
        },
    ]

    public struct Posted: Sendable, Equatable {
        public var dispatchId: String
        public var channelId: String?
        public var ts: String?
        public var priority: String?
        /// The `updated_at` of the alert as the message shows it: an older state never replaces a newer one.
        public var shownAt: Double
        public var postedAt: Double
    }

    public static func find(_ db: Database, tenant: String, alertId: String, conversation: String) throws -> Posted? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT dispatch_id, channel_id, ts, priority, shown_at, posted_at FROM slack_messages
            WHERE tenant = ? AND alert_id = ? AND conversation = ?
            """), arguments: [tenant, alertId, conversation])
            .map {
                Posted(dispatchId: $0["dispatch_id"], channelId: $0["channel_id"], ts: $0["ts"], priority: $0["priority"], shownAt: $0["shown_at"],
                       postedAt: $0["posted_at"])
            }
    }

    /// Before a post: which dispatch is being posted, where, since when.
    public static func begin(_ db: Database, tenant: String, alertId: String, conversation: String, dispatchId: String, channelId: String?,
                             priority: String?, shownAt: Date, at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO slack_messages (tenant, alert_id, conversation, dispatch_id, channel_id, ts, priority, shown_at, posted_at)
            VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)
            """).execute(arguments: [tenant, alertId, conversation, dispatchId, channelId, priority, shownAt.timeIntervalSince1970,
                                     now.timeIntervalSince1970])
    }

    /// After Slack accepted it (or said it had).
    public static func posted(_ db: Database, tenant: String, alertId: String, conversation: String, channelId: String, ts: String) throws {
        try db.cachedStatement(sql: """
            UPDATE slack_messages SET channel_id = ?, ts = ? WHERE tenant = ? AND alert_id = ? AND conversation = ?
            """).execute(arguments: [channelId, ts, tenant, alertId, conversation])
    }

    /// After an edit: what the message shows now.
    public static func edited(_ db: Database, tenant: String, alertId: String, conversation: String, priority: String?, shownAt: Date) throws {
        try db.cachedStatement(sql: """
            UPDATE slack_messages SET priority = COALESCE(?, priority), shown_at = MAX(shown_at, ?) WHERE tenant = ? AND alert_id = ? AND conversation = ?
            """).execute(arguments: [priority, shownAt.timeIntervalSince1970, tenant, alertId, conversation])
    }

    /// Deletes up to `limit` messages posted before `before`, oldest first.
    public static func prune(_ db: Database, before: Date, limit: Int) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM slack_messages WHERE rowid IN (SELECT rowid FROM slack_messages WHERE posted_at < ? ORDER BY posted_at LIMIT ?)
            """).execute(arguments: [before.timeIntervalSince1970, limit])
        return db.changesCount
    }
}
