// The gateway's table of deliveries to make: written when a dispatch arrives, marked done with its receipt.
import Contracts
import Foundation
import GRDB
import ServiceKit
import Store

public struct DeliveryJob: Sendable, Equatable {
    /// The row's rowid: jobs are read back from the table in this order (`BoundedBacklog`).
    public let seq: Int64
    public let dispatchId: String
    public let tenant: String
    public let dispatch: DispatchRequest
}

public enum DeliveryRecords {
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
    public static func insert(_ db: Database, _ dispatch: DispatchRequest, tenant: String, envelope: Data, at now: Date) throws
        -> DeliveryJob? {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO deliveries (dispatch_id, tenant, body, status, created_at) VALUES (?, ?, ?, 'pending', ?)
            """)
        try statement.execute(arguments: [dispatch.dispatchId, tenant, envelope, now.timeIntervalSince1970])
        guard db.changesCount > 0 else { return nil }
        return DeliveryJob(seq: db.lastInsertedRowID, dispatchId: dispatch.dispatchId, tenant: tenant, dispatch: dispatch)
    }

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

    /// Jobs not finished yet from rowid `from` on, oldest first: what a crash or shutdown left undone, and what did not
    /// fit in memory.
    public static func pending(_ db: Database, from seq: Int64, limit: Int) throws -> [DeliveryJob] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT rowid, dispatch_id, tenant, body FROM deliveries WHERE status = 'pending' AND rowid >= ? ORDER BY rowid LIMIT ?
            """), arguments: [seq, limit])
            .map { row in
                DeliveryJob(seq: row["rowid"], dispatchId: row["dispatch_id"], tenant: row["tenant"],
                            dispatch: try dispatch(fromBody: row["body"]))
            }
    }

    public static func status(_ db: Database, dispatchId: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT status FROM deliveries WHERE dispatch_id = ?", arguments: [dispatchId])
    }
}
