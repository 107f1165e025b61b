// A gateway's table of deliveries: written when a dispatch arrives, rescheduled (`not_before`) after a failed attempt,
// marked done with its receipt.
import Contracts
import Foundation
import GRDB
import ServiceKit
import Store

public enum GatewayRecords {
    public static let migrations: [Migration] = [
        Migration("0301_deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE deliveries (
                    dispatch_id TEXT PRIMARY KEY NOT NULL,
                    tenant TEXT NOT NULL,
                    body BLOB NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    http_status INTEGER,
                    error TEXT,
                    created_at REAL NOT NULL,
                    finished_at REAL
                );
                CREATE INDEX deliveries_pending ON deliveries(status) WHERE status = 'pending';
                """)
        },
        Migration("0302_deliveries_finished") { db in
            // Finished deliveries in the order they finished: what pruning walks.
            try db.execute(sql: "CREATE INDEX deliveries_finished ON deliveries(finished_at) WHERE status <> 'pending'")
        },
        Migration("0303_deliveries_not_before") { db in
            // 0: a fresh job, read back in rowid order; otherwise when the retry scheduler hands it on again.
            try db.execute(sql: """
                ALTER TABLE deliveries ADD COLUMN not_before REAL NOT NULL DEFAULT 0;
                CREATE INDEX deliveries_due ON deliveries(not_before) WHERE status = 'pending' AND not_before > 0;
                """)
        },
    ]

    /// How long finished deliveries are kept: the retention, but never less than the time a dispatch can be delivered
    /// again by the broker, because the row is how the gateway knows it sent one already.
    public static func keptFor(retention: TimeInterval) -> TimeInterval {
        max(retention, HistoryPruner.redeliveryWindow)
    }

    /// Deletes up to `limit` deliveries finished before `before`, earliest first; pending ones always stay.
    public static func pruneFinished(_ db: Database, before: Date, limit: Int) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM deliveries WHERE dispatch_id IN (SELECT dispatch_id FROM deliveries WHERE status <> 'pending' AND finished_at < ?
                ORDER BY finished_at LIMIT ?)
            """).execute(arguments: [before.timeIntervalSince1970, limit])
        return db.changesCount
    }

    /// Stores a new job with `envelope`, the dispatch exactly as it arrived (not encoded again); nil when this dispatch
    /// id is stored already: the primary key is the gateway's record of dispatches seen, so it needs no inbox row.
    /// An urgent dispatch (`DestinationQueues.isUrgent`) is stored scheduled at `urgentNotBefore`: the retry scheduler
    /// reads it before every other scheduled row, rather than the fresh jobs' window after every fresh row before it.
    public static func insert(_ db: Database, _ dispatch: DispatchRequest, tenant: String, envelope: Data, at now: Date) throws
        -> GatewayJob? {
        let urgent = DestinationQueues.isUrgent(dispatch)
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO deliveries (dispatch_id, tenant, body, status, created_at, not_before) VALUES (?, ?, ?, 'pending', ?, ?)
            """)
        try statement.execute(arguments: [dispatch.dispatchId, tenant, envelope, now.timeIntervalSince1970, urgent ? urgentNotBefore : 0])
        guard db.changesCount > 0 else { return nil }
        return GatewayJob(seq: db.lastInsertedRowID, dispatchId: dispatch.dispatchId, tenant: tenant, dispatch: dispatch, scheduled: urgent)
    }

    /// The `not_before` of an urgent dispatch not tried yet: due at once, and before every retry or deferral (those
    /// are stored at a time since 1970).
    public static var urgentNotBefore: Double { storedNotBefore(0) }

    /// The body column holds the dispatch's envelope; rows written before it did hold the bare request.
    static func dispatch(fromBody body: Data) throws -> DispatchRequest {
        if let envelope = try? Envelope<DispatchRequest>.decode(body) { return envelope.data }
        return try JSONCoding.decode(DispatchRequest.self, from: body)
    }

    public static func finish(_ db: Database, dispatchId: String, status: DeliveryReceipt.Status, attempts: Int, httpStatus: Int?,
                              error: String?, at now: Date) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE deliveries SET status = ?, attempts = ?, http_status = ?, error = ?, finished_at = ? WHERE dispatch_id = ?
            """)
        try statement.execute(arguments: [status.rawValue, attempts, httpStatus, error, now.timeIntervalSince1970, dispatchId])
    }

    /// The job stays pending and is handed on again at `notBefore` (seconds since 1970, > 0) by the retry scheduler.
    public static func reschedule(_ db: Database, dispatchId: String, attempts: Int, httpStatus: Int?, error: String?,
                                  notBefore: Double) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE deliveries SET attempts = ?, http_status = ?, error = ?, not_before = ? WHERE dispatch_id = ?
            """)
        try statement.execute(arguments: [attempts, httpStatus, error, storedNotBefore(notBefore), dispatchId])
    }

    /// The `not_before` a reschedule stores: above 0, which marks a fresh job.
    static func storedNotBefore(_ notBefore: Double) -> Double { max(notBefore, 1e-3) }

    /// The envelope as it arrived, for a dead letter.
    public static func body(_ db: Database, dispatchId: String) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM deliveries WHERE dispatch_id = ?"), arguments: [dispatchId])
    }

    /// A job from a row of `rowid, dispatch_id, tenant, body, attempts`.
    private static func job(_ row: Row, scheduled: Bool) throws -> GatewayJob {
        GatewayJob(seq: row["rowid"], dispatchId: row["dispatch_id"], tenant: row["tenant"], dispatch: try dispatch(fromBody: row["body"]),
                   attempts: row["attempts"], scheduled: scheduled)
    }

    /// Fresh jobs (never tried, or tried before this table had `not_before`) not finished yet from rowid `from` on,
    /// oldest first: what a crash or shutdown left undone, and what did not fit in memory. Urgent ones are not among
    /// them: they are stored scheduled (`insert`).
    public static func pending(_ db: Database, from seq: Int64, limit: Int) throws -> [GatewayJob] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT rowid, dispatch_id, tenant, body, attempts FROM deliveries
            WHERE status = 'pending' AND not_before = 0 AND rowid >= ? ORDER BY rowid LIMIT ?
            """), arguments: [seq, limit])
            .map { try job($0, scheduled: false) }
    }

    /// Where the retry scheduler has read up to: (`not_before`, rowid) of the last row it handed on.
    public struct DueCursor: Sendable, Comparable {
        public var notBefore: Double
        public var seq: Int64
        public static let start = DueCursor(notBefore: 0, seq: 0)

        public static func < (lhs: DueCursor, rhs: DueCursor) -> Bool {
            (lhs.notBefore, lhs.seq) < (rhs.notBefore, rhs.seq)
        }
    }

    /// Scheduled jobs due at `now` after `cursor`, in (`not_before`, rowid) order. `INDEXED BY`: the planner would
    /// rather take `deliveries_pending` and sort every pending row.
    public static func due(_ db: Database, after cursor: DueCursor, now: Double, limit: Int) throws -> [(job: GatewayJob, notBefore: Double)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT rowid, dispatch_id, tenant, body, attempts, not_before FROM deliveries INDEXED BY deliveries_due
            WHERE status = 'pending' AND not_before > 0 AND not_before <= ? AND (not_before, rowid) > (?, ?)
            ORDER BY not_before, rowid LIMIT ?
            """), arguments: [now, cursor.notBefore, cursor.seq, limit])
            .map { row in
                (try job(row, scheduled: true), row["not_before"])
            }
    }

    /// The scheduled jobs among `seqs` that are still pending, in rowid order.
    public static func scheduled(_ db: Database, seqs: [Int64]) throws -> [GatewayJob] {
        guard !seqs.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: seqs.count).joined(separator: ",")
        return try Row.fetchAll(db, sql: """
            SELECT rowid, dispatch_id, tenant, body, attempts FROM deliveries
            WHERE rowid IN (\(placeholders)) AND status = 'pending' AND not_before > 0 ORDER BY rowid
            """, arguments: StatementArguments(seqs))
            .map { try job($0, scheduled: true) }
    }

    /// When the next scheduled job after `cursor` is due; nil when none waits.
    public static func nextDue(_ db: Database, after cursor: DueCursor) throws -> Double? {
        try Double.fetchOne(db.cachedStatement(sql: """
            SELECT not_before FROM deliveries INDEXED BY deliveries_due
            WHERE status = 'pending' AND not_before > 0 AND (not_before, rowid) > (?, ?)
            ORDER BY not_before, rowid LIMIT 1
            """), arguments: [cursor.notBefore, cursor.seq])
    }

    public static func status(_ db: Database, dispatchId: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT status FROM deliveries WHERE dispatch_id = ?", arguments: [dispatchId])
    }

    /// (attempts, not_before) of a delivery, for tests and the operator.
    public static func schedule(_ db: Database, dispatchId: String) throws -> (attempts: Int, notBefore: Double)? {
        try Row.fetchOne(db, sql: "SELECT attempts, not_before FROM deliveries WHERE dispatch_id = ?", arguments: [dispatchId])
            .map { ($0["attempts"], $0["not_before"]) }
    }
}
