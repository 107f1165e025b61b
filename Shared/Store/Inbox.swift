// The inbox table: ids of messages already handled, so an MQTT redelivery is dropped.
import Foundation
import GRDB

public enum Inbox {
    /// Records a message id; returns false if it was there already (a redelivery: the caller drops the message).
    /// Call it in the same transaction as the state change the message causes.
    public static func record(_ db: Database, id: String, at date: Date = Date()) throws -> Bool {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO inbox (id, received_at) VALUES (?, ?)")
        try statement.execute(arguments: [id, date.timeIntervalSince1970])
        return db.changesCount > 0
    }

    public static func contains(_ db: Database, id: String) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM inbox WHERE id = ?")
        return try Int.fetchOne(statement, arguments: [id]) != nil
    }

    /// Deletes ids recorded before `olderThan`, at most `limit` of them, oldest first; returns how many.
    /// Redeliveries older than that are no longer caught.
    public static func prune(_ db: Database, olderThan: Date, limit: Int = .max) throws -> Int {
        let statement = try db.cachedStatement(sql:
            "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE received_at < ? ORDER BY received_at LIMIT ?)")
        try statement.execute(arguments: [olderThan.timeIntervalSince1970, limit])
        return db.changesCount
    }
}
