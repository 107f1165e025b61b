// The dead_letters table: added to files of earlier versions, filled from the outbox, pruned in bounded steps.
import Foundation
import GRDB
import Store
import Testing

@Suite struct DeadLettersTests {
    @Test func aFileOfAnEarlierVersionGetsTheTableOnOpen() throws {
        let path = try temporaryDatabasePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // What a service's file looked like before dead letters: the shared tables and one of the service's own.
        var earlier = DatabaseMigrator()
        earlier.registerMigration("0001_inbox") { try $0.execute(sql: "CREATE TABLE inbox (id TEXT PRIMARY KEY NOT NULL, received_at REAL NOT NULL) WITHOUT ROWID") }
        earlier.registerMigration("0002_outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL,
                                     qos INTEGER NOT NULL, retain INTEGER NOT NULL, created_at REAL NOT NULL)
                """)
        }
        earlier.registerMigration("0101_things") { try $0.execute(sql: "CREATE TABLE things (id TEXT PRIMARY KEY)") }
        try earlier.migrate(DatabaseQueue(path: path))

        let store = try Store(path: path, migrations: [Migration("0101_things") { try $0.execute(sql: "CREATE TABLE things (id TEXT PRIMARY KEY)") }])
        #expect(try store.read { try DeadLetters.count($0) } == 0)
    }

    @Test func aRefusedRowMovesFromTheOutboxOnce() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let row = try store.write { try Outbox.enqueue($0, topic: "t/1", payload: Data("p".utf8)) }
        #expect(try store.write { try DeadLetters.moveFromOutbox($0, id: row.id, reason: "broker refused the publish: 0x97 Quota exceeded") })
        #expect(try !store.write { try DeadLetters.moveFromOutbox($0, id: row.id, reason: "again") }, "gone already: nothing recorded")
        let letters = try store.read { try DeadLetters.latest($0, limit: 10) }
        #expect(letters.map(\.topic) == ["t/1"] && letters.first?.direction == .published)
        #expect(try store.read { try Outbox.count($0) } == 0)
    }

    @Test func pruningDeletesOnlyOldLettersAtMostLimitAtATime() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let now = Date()
        try store.write { db in
            for day in [40.0, 35, 31, 29, 1] {
                try DeadLetters.record(db, direction: .received, topic: "t/\(Int(day))", payload: Data(), reason: "r",
                                       at: now.addingTimeInterval(-day * 86_400))
            }
        }
        let cutoff = now.addingTimeInterval(-DeadLetters.retention)
        #expect(try store.write { try DeadLetters.prune($0, olderThan: cutoff, limit: 2) } == 2)
        #expect(try store.write { try DeadLetters.prune($0, olderThan: cutoff, limit: 2) } == 1)
        #expect(try store.write { try DeadLetters.prune($0, olderThan: cutoff, limit: 2) } == 0)
        #expect(try store.read { try DeadLetters.latest($0, limit: 10) }.map(\.topic) == ["t/1", "t/29"])
    }
}
