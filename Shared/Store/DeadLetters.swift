// The dead_letters table: messages a service could not process and publishes the broker refused, kept to be looked at.
import Foundation
import GRDB

public enum DeadLetters {
    /// Which way the message was going. The only values of the `direction` metric label.
    public enum Direction: String, Sendable, CaseIterable {
        /// Taken from the broker and acknowledged, but its processing failed (a poison message).
        case received
        /// Committed to the outbox, but the broker answered its publish with a refusal (PUBACK reason >= 0x80).
        case published
    }

    public struct Letter: Sendable, Equatable {
        public let id: Int64
        public let at: Date
        public let direction: Direction
        public let topic: String
        public let payload: Data
        public let reason: String
    }

    /// Dead letters are looked at by people, not replayed by the service: 30 days is time enough to notice.
    public static let retention: TimeInterval = 30 * 24 * 3600

    /// A migration name of the shared range (00xx), so it cannot collide with a service's (01xx, 02xx, 03xx).
    static let migration = Migration("0003_dead_letters") { db in
        try db.execute(sql: """
            CREATE TABLE dead_letters (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at REAL NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('received', 'published')),
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                reason TEXT NOT NULL
            );
            CREATE INDEX dead_letters_at ON dead_letters(at);
            """)
    }

    /// Call it in the transaction that drops the message, so it is either dropped and recorded or neither.
    public static func record(_ db: Database, direction: Direction, topic: String, payload: Data, reason: String,
                              at date: Date = Date()) throws {
        try db.cachedStatement(sql: "INSERT INTO dead_letters (at, direction, topic, payload, reason) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [date.timeIntervalSince1970, direction.rawValue, topic, payload, reason])
    }

    /// Moves a refused publish's outbox row here; false when the row is gone already (nothing recorded).
    public static func moveFromOutbox(_ db: Database, id: Int64, reason: String, at date: Date = Date()) throws -> Bool {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT topic, payload FROM outbox WHERE id = ?"), arguments: [id])
        else { return false }
        try record(db, direction: .published, topic: row[0], payload: row[1], reason: reason, at: date)
        try Outbox.remove(db, ids: [id])
        return true
    }

    /// The newest `limit` dead letters, newest first.
    public static func latest(_ db: Database, limit: Int) throws -> [Letter] {
        try Row.fetchAll(db, sql: "SELECT id, at, direction, topic, payload, reason FROM dead_letters ORDER BY id DESC LIMIT ?",
                         arguments: [limit]).map { row in
            Letter(id: row[0], at: Date(timeIntervalSince1970: row[1]), direction: Direction(rawValue: row[2]) ?? .received,
                   topic: row[3], payload: row[4], reason: row[5])
        }
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dead_letters") ?? 0
    }

    /// Deletes dead letters recorded before `olderThan`, at most `limit` of them, oldest first; returns how many.
    public static func prune(_ db: Database, olderThan: Date, limit: Int = .max) throws -> Int {
        try db.cachedStatement(sql: "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE at < ? ORDER BY at LIMIT ?)")
            .execute(arguments: [olderThan.timeIntervalSince1970, limit])
        return db.changesCount
    }
}
