// Escalation steps that arrived before their alert's `triggered` event, kept until the event comes.
import Foundation
import GRDB
import Store

/// Events come from ingest and steps from the escalator, on two topics: the broker keeps each publisher's order, not
/// the order between them, so after a restart or under load a step can overtake the event that caused it. Such a step
/// waits here, keyed by tenant and alert, and is applied in the transaction of the first event that makes the alert
/// known. Steps whose event never comes are moved to the dead letters after `maximumAge`.
public enum ParkedSteps {
    /// A step normally waits milliseconds for its event; a day covers a router partition or an ingest that was down.
    public static let maximumAge: TimeInterval = 24 * 3600
    static let pruneInterval: TimeInterval = 3600

    public static let migrations: [Migration] = [
        Migration("0220_router_parked_steps") { db in
            try db.execute(sql: """
                CREATE TABLE router_parked_steps (
                    tenant TEXT NOT NULL,
                    alert_id TEXT NOT NULL,
                    envelope_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    parked_at REAL NOT NULL,
                    PRIMARY KEY (tenant, alert_id, envelope_id)
                );
                CREATE INDEX router_parked_steps_at ON router_parked_steps(parked_at);
                """)
        },
    ]

    public struct Step: Sendable, Equatable {
        public let topic: String
        public let payload: Data
    }

    public static func park(_ db: Database, tenant: String, alertId: String, envelopeId: String, topic: String, payload: Data,
                            at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO router_parked_steps (tenant, alert_id, envelope_id, topic, payload, parked_at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [tenant, alertId, envelopeId, topic, payload, now.timeIntervalSince1970])
    }

    /// Removes and returns the alert's parked steps in the order they arrived. Called for every event, so it is one
    /// primary-key lookup when nothing is parked.
    public static func take(_ db: Database, tenant: String, alertId: String) throws -> [Step] {
        let steps = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT topic, payload FROM router_parked_steps WHERE tenant = ? AND alert_id = ? ORDER BY rowid
            """), arguments: [tenant, alertId]).map { Step(topic: $0[0], payload: $0[1]) }
        guard !steps.isEmpty else { return [] }
        try db.cachedStatement(sql: "DELETE FROM router_parked_steps WHERE tenant = ? AND alert_id = ?").execute(arguments: [tenant, alertId])
        return steps
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM router_parked_steps") ?? 0
    }

    /// Moves at most `limit` steps parked before `olderThan` to the dead letters, oldest first; returns how many.
    public static func expire(_ db: Database, olderThan: Date, limit: Int, at now: Date) throws -> Int {
        let rows = try Row.fetchAll(db, sql: """
            SELECT rowid, topic, payload FROM router_parked_steps WHERE parked_at < ? ORDER BY parked_at LIMIT ?
            """, arguments: [olderThan.timeIntervalSince1970, limit])
        let reason = "escalation step whose alert's triggered event did not come within \(Int(maximumAge / 3600)) hours"
        for row in rows {
            try DeadLetters.record(db, direction: .received, topic: row[1], payload: row[2], reason: reason, at: now)
            try db.execute(sql: "DELETE FROM router_parked_steps WHERE rowid = ?", arguments: [row[0] as Int64])
        }
        return rows.count
    }
}
