// Tests of Outbox: enqueue, oldest-first pending, removal on acknowledgement.
import Foundation
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
