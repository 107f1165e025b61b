// The router's dispatch audit log: each dispatch and what became of it, updated from receipts.
import Contracts
import Foundation
import GRDB
import Store

public enum DispatchRecords {
    public static let migrations: [Migration] = [
        Migration("0201_dispatches") { db in
            try db.execute(sql: """
                CREATE TABLE dispatches (
                    dispatch_id TEXT PRIMARY KEY NOT NULL,
                    tenant TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    recipient_user TEXT,
                    status TEXT NOT NULL,
                    attempt INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    provider_ref TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX dispatches_alert ON dispatches(tenant, alert_id);
                CREATE INDEX dispatches_time ON dispatches(tenant, created_at);
                """)
        },
    ]

    public struct Row: Sendable, Equatable {
        public var dispatchId: String
        public var tenant: String
        public var alertId: String
        public var channel: String
        public var recipient: String
        public var status: String
        public var attempt: Int
        public var error: String?
    }

    /// Records a new dispatch as pending; false when this id was recorded before.
    public static func recordPending(_ db: Database, _ dispatch: DispatchRequest, tenant: String, at now: Date) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO dispatches (dispatch_id, tenant, alert_id, event, channel, recipient, recipient_user, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """)
        try statement.execute(arguments: [dispatch.dispatchId, tenant, dispatch.alert.id, dispatch.event.rawValue, dispatch.channel,
                                          dispatch.recipient.address, dispatch.recipient.user, now.timeIntervalSince1970, now.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// Applies a receipt. Statuses only move forward (a late `sent` never overwrites `delivered`).
    public static func apply(_ db: Database, _ receipt: DeliveryReceipt, tenant: String, at now: Date) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE dispatches SET status = ?, attempt = MAX(attempt, ?), error = ?, provider_ref = COALESCE(?, provider_ref), updated_at = ?
            WHERE dispatch_id = ? AND tenant = ? AND (CASE status WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'failed' THEN 2
                WHEN 'bounced' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END) <= ?
            """)
        try statement.execute(arguments: [receipt.status.rawValue, receipt.attempt, receipt.error, receipt.providerRef,
                                          now.timeIntervalSince1970, receipt.dispatchId, tenant, rank(receipt.status)])
    }

    static func rank(_ status: DeliveryReceipt.Status) -> Int {
        switch status {
        case .sent: 1
        case .failed, .bounced: 2
        case .delivered: 3
        case .read: 4
        }
    }

    public static func forAlert(_ db: Database, tenant: String, alertId: String) throws -> [Row] {
        try Row.fetch(db, sql: "SELECT * FROM dispatches WHERE tenant = ? AND alert_id = ? ORDER BY created_at", arguments: [tenant, alertId])
    }

    public static func all(_ db: Database) throws -> [Row] {
        try Row.fetch(db, sql: "SELECT * FROM dispatches ORDER BY created_at", arguments: [])
    }
}

extension DispatchRecords.Row {
    static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Self] {
        try GRDB.Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            Self(dispatchId: row["dispatch_id"], tenant: row["tenant"], alertId: row["alert_id"], channel: row["channel"],
                 recipient: row["recipient"], status: row["status"], attempt: row["attempt"], error: row["error"])
        }
    }
}
