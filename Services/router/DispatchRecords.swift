// The router's dispatch audit log: each dispatch and what became of it, updated from receipts; queries by alert,
// recipient, channel and time.
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
        Migration("0202_dispatch_details") { db in
            // origin: route | targeting | escalation | fallback | service | failover; request: the dispatch's envelope JSON, as published,
            // for first notifications (failover and updates are built from it; NULL for the others); failover: the user's next
            // channels, comma-separated.
            try db.execute(sql: """
                ALTER TABLE dispatches ADD COLUMN kind TEXT NOT NULL DEFAULT 'notify';
                ALTER TABLE dispatches ADD COLUMN origin TEXT;
                ALTER TABLE dispatches ADD COLUMN reason TEXT;
                ALTER TABLE dispatches ADD COLUMN failover TEXT;
                ALTER TABLE dispatches ADD COLUMN request BLOB;
                CREATE INDEX dispatches_recipient ON dispatches(tenant, recipient_user, created_at);
                CREATE INDEX dispatches_channel ON dispatches(tenant, channel, created_at);
                """)
        },
        Migration("0206_dispatches_alert_time") { db in
            // An alert's dispatches in the order they were made straight from the index (updates read them on every
            // acknowledge and resolve), instead of sorting them each time.
            try db.execute(sql: """
                DROP INDEX dispatches_alert;
                CREATE INDEX dispatches_alert ON dispatches(tenant, alert_id, created_at);
                """)
        },
        Migration("0208_dispatch_times") { db in
            // When the provider took the message (sent) and when it reached the recipient (delivered), from receipts;
            // in-app items are both at once. NULL until then.
            try db.execute(sql: """
                ALTER TABLE dispatches ADD COLUMN sent_at REAL;
                ALTER TABLE dispatches ADD COLUMN delivered_at REAL;
                """)
        },
    ]

    /// Statuses of the audit log: the receipt statuses, plus `pending` (published, no receipt yet) and
    /// `undeliverable` (a targeted user with no usable channel: nothing was sent).
    public static let undeliverable = "undeliverable"

    public struct Row: Sendable, Equatable {
        public var dispatchId: String
        public var tenant: String
        public var alertId: String
        public var event: String
        public var kind: String
        public var channel: String
        public var recipient: String
        public var recipientUser: String?
        public var status: String
        public var attempt: Int
        public var error: String?
        public var providerRef: String?
        public var origin: String?
        public var reason: String?
        public var failover: [String]
        public var createdAt: Date
        /// From the first `sent` (or later) receipt; in-app: when the item was added.
        public var sentAt: Date?
        /// From the first `delivered` or `read` receipt; in-app: when the item was added.
        public var deliveredAt: Date?
    }

    /// Extra facts recorded with a dispatch.
    public struct Details: Sendable {
        public var origin: String?
        public var reason: String?
        public var failover: [String]
        public init(origin: String? = nil, reason: String? = nil, failover: [String] = []) {
            self.origin = origin
            self.reason = reason
            self.failover = failover
        }
    }

    /// Records a new dispatch as pending (or as `status`); false when this id was recorded before.
    /// - Parameter envelope: the dispatch's envelope as the caller publishes it, kept as the request (encoded once) when
    ///   something will be built from it later (updates, failover); nil keeps none.
    public static func recordPending(_ db: Database, _ dispatch: DispatchRequest, tenant: String, at now: Date,
                                     details: Details = Details(), status: String = "pending", envelope: Data?) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO dispatches (dispatch_id, tenant, alert_id, event, kind, channel, recipient, recipient_user, status,
                origin, reason, failover, request, created_at, updated_at, sent_at, delivered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let delivered = status == "delivered" ? now.timeIntervalSince1970 : nil
        try statement.execute(arguments: [dispatch.dispatchId, tenant, dispatch.alert.id, dispatch.event.rawValue, dispatch.kind.rawValue,
                                          dispatch.channel, dispatch.recipient.address, dispatch.recipient.user, status,
                                          details.origin, details.reason, details.failover.isEmpty ? nil : details.failover.joined(separator: ","),
                                          envelope,
                                          now.timeIntervalSince1970, now.timeIntervalSince1970, delivered, delivered])
        return db.changesCount > 0
    }

    /// Records a targeted user nobody could reach, so the log says so instead of staying silent.
    public static func recordUndeliverable(_ db: Database, id: String, tenant: String, alertId: String, event: String, user: String,
                                           origin: String, reason: String, at now: Date) throws {
        try recordUnsent(db, id: id, tenant: tenant, alertId: alertId, event: event, channel: "none", recipient: user, user: user,
                         status: undeliverable, origin: origin, reason: reason, at: now)
    }

    /// Records a delivery that was due but could not be sent (`failed`: a channel without address or provider;
    /// `undeliverable`: nobody or no channel at all), with why.
    public static func recordUnsent(_ db: Database, id: String, tenant: String, alertId: String, event: String, channel: String,
                                    recipient: String, user: String?, status: String, origin: String, reason: String, at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO dispatches (dispatch_id, tenant, alert_id, event, channel, recipient, recipient_user, status, origin,
                reason, error, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, tenant, alertId, event, channel, recipient, user, status, origin, reason, reason,
                                     now.timeIntervalSince1970, now.timeIntervalSince1970])
    }

    /// Applies a receipt. Statuses only move forward (a late `sent` never overwrites `delivered`).
    /// True when the row changed.
    @discardableResult
    public static func apply(_ db: Database, _ receipt: DeliveryReceipt, tenant: String, at now: Date) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            UPDATE dispatches SET status = ?, attempt = MAX(attempt, ?), error = ?, provider_ref = COALESCE(?, provider_ref), updated_at = ?,
                sent_at = COALESCE(sent_at, ?), delivered_at = COALESCE(delivered_at, ?)
            WHERE dispatch_id = ? AND tenant = ? AND (CASE status WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'failed' THEN 2
                WHEN 'bounced' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END) <= ?
            """)
        let at = now.timeIntervalSince1970
        let sent = [.sent, .delivered, .read].contains(receipt.status) ? at : nil
        let delivered = [.delivered, .read].contains(receipt.status) ? at : nil
        try statement.execute(arguments: [receipt.status.rawValue, receipt.attempt, receipt.error, receipt.providerRef,
                                          at, sent, delivered, receipt.dispatchId, tenant, rank(receipt.status)])
        return db.changesCount > 0
    }

    static func rank(_ status: DeliveryReceipt.Status) -> Int {
        switch status {
        case .sent: 1
        case .failed, .bounced: 2
        case .delivered: 3
        case .read: 4
        }
    }

    /// Marks a user's in-app dispatches of an alert read.
    public static func markRead(_ db: Database, tenant: String, alertId: String, user: String, at now: Date) throws {
        try db.cachedStatement(sql: """
            UPDATE dispatches SET status = 'read', updated_at = ?
            WHERE tenant = ? AND alert_id = ? AND recipient_user = ? AND channel = 'in_app' AND status != 'read'
            """).execute(arguments: [now.timeIntervalSince1970, tenant, alertId, user])
    }

    public static func row(_ db: Database, dispatchId: String, tenant: String) throws -> Row? {
        try Row.fetch(db, sql: "SELECT * FROM dispatches WHERE dispatch_id = ? AND tenant = ?", arguments: [dispatchId, tenant]).first
    }

    /// The stored request of a dispatch, to build its failover and its updates from.
    public static func request(_ db: Database, dispatchId: String) throws -> DispatchRequest? {
        guard let data = try Data.fetchOne(db, sql: "SELECT request FROM dispatches WHERE dispatch_id = ?", arguments: [dispatchId]) else {
            return nil
        }
        return storedRequest(data)
    }

    /// The request column holds the dispatch's envelope exactly as it was published.
    static func storedRequest(_ data: Data) -> DispatchRequest? {
        try? Envelope<DispatchRequest>.decode(data).data
    }

    /// The first notifications of an alert that reached (or may have reached) someone, with their requests:
    /// the people and channels a later acknowledge/resolve/escalate updates.
    public static func notified(_ db: Database, tenant: String, alertId: String) throws -> [(Row, DispatchRequest)] {
        let rows = try GRDB.Row.fetchAll(db.cachedStatement(sql: notifiedSQL), arguments: [tenant, alertId])
        return rows.compactMap { row in
            guard let data: Data = row["request"], let request = storedRequest(data) else { return nil }
            return (Row(row), request)
        }
    }

    static let notifiedSQL = """
        SELECT * FROM dispatches WHERE tenant = ? AND alert_id = ? AND kind = 'notify' AND request IS NOT NULL
            AND status NOT IN ('failed', 'bounced', 'undeliverable') AND COALESCE(origin, '') != 'service'
        ORDER BY created_at, rowid
        """

    /// The provider's reference to the latest message about an alert on a channel to one address (a service's Slack
    /// channel), from its receipt: what an update to that address needs to edit it.
    public static func providerRef(_ db: Database, tenant: String, alertId: String, channel: String, address: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: """
            SELECT provider_ref FROM dispatches WHERE tenant = ? AND alert_id = ? AND channel = ? AND recipient = ? AND provider_ref IS NOT NULL
            ORDER BY created_at DESC, rowid DESC LIMIT 1
            """), arguments: [tenant, alertId, channel, address])
    }

    public static func forAlert(_ db: Database, tenant: String, alertId: String) throws -> [Row] {
        try Row.fetch(db, sql: "SELECT * FROM dispatches WHERE tenant = ? AND alert_id = ? ORDER BY created_at, rowid", arguments: [tenant, alertId])
    }

    /// The audit log of a tenant, filtered by any of recipient user, channel and time (inclusive from, exclusive to).
    public static func query(_ db: Database, tenant: String, alertId: String? = nil, recipientUser: String? = nil, channel: String? = nil,
                             from: Date? = nil, to: Date? = nil, limit: Int = 1000) throws -> [Row] {
        var sql = "SELECT * FROM dispatches WHERE tenant = ?"
        var arguments: [any DatabaseValueConvertible] = [tenant]
        if let alertId { sql += " AND alert_id = ?"; arguments.append(alertId) }
        if let recipientUser { sql += " AND recipient_user = ?"; arguments.append(recipientUser) }
        if let channel { sql += " AND channel = ?"; arguments.append(channel) }
        if let from { sql += " AND created_at >= ?"; arguments.append(from.timeIntervalSince1970) }
        if let to { sql += " AND created_at < ?"; arguments.append(to.timeIntervalSince1970) }
        sql += " ORDER BY created_at, rowid LIMIT ?"
        arguments.append(limit)
        return try Row.fetch(db, sql: sql, arguments: StatementArguments(arguments))
    }

    /// Deletes up to `limit` of an alert's dispatches; returns how many.
    public static func delete(_ db: Database, tenant: String, alertId: String, limit: Int) throws -> Int {
        try db.cachedStatement(sql: """
            DELETE FROM dispatches WHERE rowid IN (SELECT rowid FROM dispatches WHERE tenant = ? AND alert_id = ? LIMIT ?)
            """).execute(arguments: [tenant, alertId, limit])
        return db.changesCount
    }

    public static func all(_ db: Database) throws -> [Row] {
        try Row.fetch(db, sql: "SELECT * FROM dispatches ORDER BY created_at, rowid", arguments: [])
    }
}

extension DispatchRecords.Row {
    init(_ row: GRDB.Row) {
        let failover: String? = row["failover"]
        self.init(dispatchId: row["dispatch_id"], tenant: row["tenant"], alertId: row["alert_id"], event: row["event"],
                  kind: row["kind"], channel: row["channel"], recipient: row["recipient"], recipientUser: row["recipient_user"],
                  status: row["status"], attempt: row["attempt"], error: row["error"], providerRef: row["provider_ref"],
                  origin: row["origin"], reason: row["reason"],
                  failover: failover.map { $0.split(separator: ",").map(String.init) } ?? [],
                  createdAt: Date(timeIntervalSince1970: row["created_at"]),
                  sentAt: (row["sent_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  deliveredAt: (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Self] {
        try GRDB.Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.init)
    }
}
