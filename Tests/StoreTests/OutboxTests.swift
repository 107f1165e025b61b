// Tests of Outbox: enqueue, oldest-first pending, removal on acknowledgement.
import Foundation
import GRDB
import Store
import Testing

@Suite struct OutboxTests {
    @Test func pendingIsOldestFirstAndRemoveDeletes() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let enqueued = try store.write { db throws in
            try [
                Outbox.enqueue(db, topic: "a", payload: Data("1".utf8)),
                Outbox.enqueue(db, topic: "b", payload: Data([0, 255, 7]), qos: 2, retain: true),
                Outbox.enqueue(db, topic: "c", payload: Data(), qos: 0),
            ]
        }
        #expect(enqueued.map(\.id) == enqueued.map(\.id).sorted())
        #expect(Set(enqueued.map(\.id)).count == 3)
        let pending = try store.read { db in try Outbox.pending(db) }
        #expect(pending == enqueued)
        #expect(pending[1].payload == Data([0, 255, 7]))
        #expect(pending[1].qos == 2 && pending[1].retain)

        let limited = try store.read { db in try Outbox.pending(db, limit: 2) }
        #expect(limited.map(\.topic) == ["a", "b"])

        try store.write { db in try Outbox.remove(db, ids: [enqueued[0].id, enqueued[2].id, 999]) }
        let remaining = try store.read { db in (try Outbox.pending(db), try Outbox.count(db)) }
        #expect(remaining.0 == [enqueued[1]])
        #expect(remaining.1 == 1)
    }

    @Test func idsAreNotReusedAfterTheQueueDrains() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let first = try store.write { db in try Outbox.enqueue(db, topic: "t", payload: Data()) }
        try store.write { db in try Outbox.remove(db, ids: [first.id]) }
        let second = try store.write { db in try Outbox.enqueue(db, topic: "t", payload: Data()) }
        #expect(second.id > first.id)
    }

    @Test func invalidQoSIsRejected() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let error = #expect(throws: StoreError.self) {
            try store.write { db in _ = try Outbox.enqueue(db, topic: "t", payload: Data(), qos: 3) }
        }
        #expect(error?.code == .invalidArgument)
        #expect(try store.read { db in try Outbox.count(db) } == 0)
    }
}

@Test func lanesAreReadEachOnItsOwn() throws {
    let store = try Store(path: try temporaryDatabasePath())
    try store.write { db in
        for index in 0..<5 {
            _ = try Outbox.enqueue(db, topic: "d/slack", payload: Data("s\(index)".utf8), lane: "slack")
            _ = try Outbox.enqueue(db, topic: "other", payload: Data("o\(index)".utf8))
        }
        _ = try Outbox.enqueue(db, topic: "d/webhook", payload: Data("w".utf8), lane: "webhook")
    }
    try store.read { db in
        #expect(try Outbox.lanes(db) == ["", "slack", "webhook"])
        #expect(try Outbox.pending(db, lane: "slack").map { String(decoding: $0.payload, as: UTF8.self) } == ["s0", "s1", "s2", "s3", "s4"])
        #expect(try Outbox.pending(db, lane: "slack").allSatisfy { $0.lane == "slack" })
        #expect(try Outbox.pending(db).map(\.topic) == Array(repeating: "other", count: 5))
        let third = try Outbox.pending(db, lane: "slack")[2].id
        #expect(try Outbox.pending(db, lane: "slack", from: third, limit: 2).map { String(decoding: $0.payload, as: UTF8.self) } == ["s2", "s3"])
        #expect(try Outbox.count(db, lane: "slack") == 5 && Outbox.count(db, lane: "webhook") == 1)
        // One index range per lane: the plan never scans the table.
        let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE lane = 'slack' AND id >= 0 ORDER BY id LIMIT 10")
            .map { $0["detail"] as String }
        #expect(plan.contains { $0.contains("outbox_lane") } && !plan.contains { $0.contains("TEMP B-TREE") })
    }
}
