// The outbox table: publishes written with the state change, sent after commit, deleted after their PUBACK (once the
// relay's replay window has passed).
import Foundation
import GRDB

public struct OutboxMessage: Sendable, Equatable {
    public let id: Int64
    public let topic: String
    public let payload: Data
    public let qos: Int
    public let retain: Bool
    /// The queue this row goes out in: publishes of one lane keep their order, and a lane that is held (a channel
    /// nobody consumes right now) holds back no other. "" is the default lane.
    public let lane: String

    public init(id: Int64, topic: String, payload: Data, qos: Int, retain: Bool, lane: String = "") {
        self.id = id
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.lane = lane
    }
}

public enum Outbox {
    public static func enqueue(_ db: Database, topic: String, payload: Data, qos: Int = 1, retain: Bool = false,
                               lane: String = "") throws -> OutboxMessage {
        guard (0...2).contains(qos) else {
            throw StoreError(.invalidArgument, "qos must be 0, 1 or 2, not \(qos)")
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox (topic, payload, qos, retain, created_at, lane) VALUES (?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [topic, payload, qos, retain, Date().timeIntervalSince1970, lane])
        return OutboxMessage(id: db.lastInsertedRowID, topic: topic, payload: payload, qos: qos, retain: retain, lane: lane)
    }

    /// A lane's messages not yet acknowledged, oldest first, from id `from` on (a relay that kept only part of its
    /// backlog in memory reads the rest from where it left off). One index range: the cost does not depend on how
    /// many rows other lanes hold.
    public static func pending(_ db: Database, lane: String = "", from id: Int64 = 0, limit: Int = 10_000) throws -> [OutboxMessage] {
        let statement = try db.cachedStatement(sql: """
            SELECT id, topic, payload, qos, retain FROM outbox WHERE lane = ? AND id >= ? AND acked_at IS NULL ORDER BY id LIMIT ?
            """)
        return try Row.fetchAll(statement, arguments: [lane, id, limit]).map { row in
            OutboxMessage(id: row[0], topic: row[1], payload: row[2], qos: row[3], retain: row[4], lane: lane)
        }
    }

    /// These rows of one lane, in id order (those still in the table).
    public static func rows(_ db: Database, ids: [Int64], lane: String) throws -> [OutboxMessage] {
        var found: [OutboxMessage] = []
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let chunk = sorted[start..<min(start + 500, sorted.count)]
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            found += try Row.fetchAll(db, sql: "SELECT id, topic, payload, qos, retain FROM outbox WHERE id IN (\(marks)) ORDER BY id",
                                      arguments: StatementArguments(Array(chunk))).map { row in
                OutboxMessage(id: row[0], topic: row[1], payload: row[2], qos: row[3], retain: row[4], lane: lane)
            }
        }
        return found
    }

    /// The newest retained row of each topic in a lane from id `after` on: an older retained row of a topic must not
    /// be published after it.
    public static func newestRetained(_ db: Database, lane: String, after id: Int64) throws -> [String: Int64] {
        var newest: [String: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT topic, MAX(id) FROM outbox WHERE lane = ? AND id >= ? AND retain = 1 GROUP BY topic",
                                       arguments: [lane, id])
        while let row = try rows.next() { newest[row[0]] = row[1] }
        return newest
    }

    /// Marks rows as acknowledged by the broker at `at` (seconds since 1970): a graceful stop keeps its replay window.
    public static func markAcknowledged(_ db: Database, _ rows: [(id: Int64, at: Double)]) throws {
        let statement = try db.cachedStatement(sql: "UPDATE outbox SET acked_at = ? WHERE id = ?")
        for row in rows { try statement.execute(arguments: [row.at, row.id]) }
    }

    /// Rows marked acknowledged at the last graceful stop: (id, lane, payload size, acknowledged at), oldest first.
    public static func acknowledged(_ db: Database) throws -> [(id: Int64, lane: String, bytes: Int, at: Double)] {
        try Row.fetchAll(db, sql: "SELECT id, lane, length(payload), acked_at FROM outbox WHERE acked_at IS NOT NULL ORDER BY acked_at, id")
            .map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// Rows not (known to be) acknowledged.
    public static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL") ?? 0
    }

    /// The lanes that have rows (at start, to read back what the last run left).
    public static func lanes(_ db: Database) throws -> [String] {
        // Walks the lane index by jumping from one lane to the next, not through every row.
        var lanes: [String] = []
        var next = try String.fetchOne(db, sql: "SELECT MIN(lane) FROM outbox")
        while let lane = next {
            lanes.append(lane)
            next = try String.fetchOne(db, sql: "SELECT MIN(lane) FROM outbox WHERE lane > ?", arguments: [lane])
        }
        return lanes
    }

    /// Rows waiting in one lane (for the held counts in /metrics; an index-only count).
    public static func count(_ db: Database, lane: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE lane = ?"), arguments: [lane]) ?? 0
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
