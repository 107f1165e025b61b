// The outbox table: publishes written with the state change, sent after commit, deleted on PUBACK.
import Foundation
import GRDB

public struct OutboxMessage: Sendable, Equatable {
    public let id: Int64
    public let topic: String
    public let payload: Data
    public let qos: Int
    public let retain: Bool

    public init(id: Int64, topic: String, payload: Data, qos: Int, retain: Bool) {
        self.id = id
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

public enum Outbox {
    public static func enqueue(_ db: Database, topic: String, payload: Data, qos: Int = 1, retain: Bool = false) throws -> OutboxMessage {
        guard (0...2).contains(qos) else {
            throw StoreError(.invalidArgument, "qos must be 0, 1 or 2, not \(qos)")
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox (topic, payload, qos, retain, created_at) VALUES (?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [topic, payload, qos, retain, Date().timeIntervalSince1970])
        return OutboxMessage(id: db.lastInsertedRowID, topic: topic, payload: payload, qos: qos, retain: retain)
    }

    /// Messages not yet acknowledged, oldest first, from id `from` on (a relay that kept only part of its backlog in
    /// memory reads the rest from where it left off).
    public static func pending(_ db: Database, from id: Int64 = 0, limit: Int = 10_000) throws -> [OutboxMessage] {
        let statement = try db.cachedStatement(sql: "SELECT id, topic, payload, qos, retain FROM outbox WHERE id >= ? ORDER BY id LIMIT ?")
        return try Row.fetchAll(statement, arguments: [id, limit]).map { row in
            OutboxMessage(id: row[0], topic: row[1], payload: row[2], qos: row[3], retain: row[4])
        }
    }

    public static func remove(_ db: Database, ids: [Int64]) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
        for id in ids {
            try statement.execute(arguments: [id])
        }
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox")) ?? 0
    }
}
