// One forward-only schema step, named like "0001_inbox" and recorded once applied.
import GRDB

public struct Migration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

extension Migration {
    /// Tables every service gets: dedup of redelivered messages, the crash-safe publish queue and the dead letters.
    static let shared: [Migration] = [
        Migration("0001_inbox") { db in
            // WITHOUT ROWID: the message id is the key, so the row lives in the primary-key b-tree only.
            try db.execute(sql: """
                CREATE TABLE inbox (
                    id TEXT PRIMARY KEY NOT NULL,
                    received_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX inbox_received_at ON inbox(received_at);
                """)
        },
        Migration("0002_outbox") { db in
            // AUTOINCREMENT so an id is never reused after the queue drains: ids map to in-flight publishes.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    topic TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    qos INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
                    retain INTEGER NOT NULL CHECK (retain IN (0, 1)),
                    created_at REAL NOT NULL
                );
                """)
        },
        DeadLetters.migration,
        Migration("0004_outbox_lanes") { db in
            // A lane is read on its own (`Outbox.pending(lane:)`), so a held lane's rows are never scanned to reach
            // another's. Rows from before this step are in the default lane.
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT '';
                CREATE INDEX outbox_lane ON outbox(lane, id);
                """)
        },
        Migration("0005_outbox_acked") { db in
            // Rows the broker acknowledged within the replay window, written down at a graceful stop, so the next start
            // keeps them for the rest of the window instead of publishing them again. NULL: not (known to be) acknowledged.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN acked_at REAL")
        },
    ]
}
