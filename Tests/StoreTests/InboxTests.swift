// Tests of Inbox: dropping redeliveries and pruning old ids.
import Foundation
import GRDB
import Store
import Testing

@Suite struct InboxTests {
    @Test func secondRecordOfTheSameIdIsARedelivery() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let results = try store.write { db throws in
            try [Inbox.record(db, id: "a"), Inbox.record(db, id: "b"), Inbox.record(db, id: "a")]
        }
        #expect(results == [true, true, false])
        let again = try store.write { db in try Inbox.record(db, id: "b") }
        #expect(!again)
        try store.read { db throws in
            #expect(try Inbox.contains(db, id: "a"))
            #expect(try !Inbox.contains(db, id: "c"))
        }
    }

    @Test func pruneDeletesOnlyOlderIds() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let pruned = try store.write { db throws in
            _ = try Inbox.record(db, id: "old-1", at: now.addingTimeInterval(-7200))
            _ = try Inbox.record(db, id: "old-2", at: now.addingTimeInterval(-3601))
            _ = try Inbox.record(db, id: "new", at: now.addingTimeInterval(-10))
            return try Inbox.prune(db, olderThan: now.addingTimeInterval(-3600))
        }
        #expect(pruned == 2)
        try store.read { db throws in
            #expect(try !Inbox.contains(db, id: "old-1"))
            #expect(try !Inbox.contains(db, id: "old-2"))
            #expect(try Inbox.contains(db, id: "new"))
        }
        // A pruned id is no longer known, so it is recorded afresh.
        #expect(try store.write { db in try Inbox.record(db, id: "old-1", at: now) })
    }

    @Test func pruneUsesTheIndex() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let details = try store.read { db throws in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM inbox WHERE received_at < 1").map { $0["detail"] as String }
        }
        #expect(details.contains { $0.contains("inbox_received_at") })
    }

    @Test func manyMessagesInOneTransaction() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let fresh = try store.write { db throws in
            try (0..<5_000).filter { try Inbox.record(db, id: "m-\($0 % 2_500)") }.count
        }
        #expect(fresh == 2_500)
    }
}
