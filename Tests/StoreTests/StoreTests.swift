// Tests of Store: opening, migrations, pragmas, transactions, integrity.
import Foundation
import GRDB
import Store
import Testing

/// A fresh directory per test, so tests run in parallel without sharing a file.
func temporaryDatabasePath(_ name: String = "service.sqlite") throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("store-tests-\(UUID().uuidString)")
    // The Store creates missing parents itself; the nested folder checks that.
    return directory.appendingPathComponent("nested").appendingPathComponent(name).path
}

/// Counts how often a migration body ran, from whichever thread GRDB runs it on.
final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

@Suite struct StoreTests {
    @Test func migrationsRunOnceAndAreRecorded() throws {
        let path = try temporaryDatabasePath()
        let counter = RunCounter()
        let migrations = [
            Migration("0001_alerts") { db in
                counter.increment()
                try db.execute(sql: "CREATE TABLE alerts (id TEXT PRIMARY KEY NOT NULL, state TEXT NOT NULL)")
            }
        ]
        do {
            let store = try Store(path: path, migrations: migrations)
            let recorded = try store.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
            #expect(recorded == ["0001_inbox", "0002_outbox", "0003_dead_letters", "0004_outbox_lanes", "0005_outbox_acked", "0001_alerts"])
        }
        let reopened = try Store(path: path, migrations: migrations)
        #expect(counter.value == 1)
        let tables = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('inbox', 'outbox', 'alerts') ORDER BY name")
        }
        #expect(tables == ["alerts", "inbox", "outbox"])
    }

    @Test func laterMigrationsApplyOnReopen() throws {
        let path = try temporaryDatabasePath()
        let first = Migration("0001_alerts") { db in try db.execute(sql: "CREATE TABLE alerts (id TEXT PRIMARY KEY NOT NULL)") }
        _ = try Store(path: path, migrations: [first])
        let second = Migration("0002_alerts_state") { db in try db.execute(sql: "ALTER TABLE alerts ADD COLUMN state TEXT") }
        let store = try Store(path: path, migrations: [first, second])
        let columns = try store.read { db in try db.columns(in: "alerts").map(\.name) }
        #expect(columns == ["id", "state"])
    }

    @Test func reopeningKeepsData() throws {
        let path = try temporaryDatabasePath()
        do {
            let store = try Store(path: path)
            try store.write { db throws in
                #expect(try Inbox.record(db, id: "m-1"))
                _ = try Outbox.enqueue(db, topic: "alerting/v1/alerts", payload: Data("x".utf8))
            }
        }
        let store = try Store(path: path)
        try store.read { db throws in
            #expect(try Inbox.contains(db, id: "m-1"))
            #expect(try Outbox.count(db) == 1)
        }
    }

    @Test func pragmasAreSetOnWriterAndReaders() throws {
        let store = try Store(path: try temporaryDatabasePath())
        let written = try store.write { db throws in
            try (String.fetchOne(db, sql: "PRAGMA journal_mode"),
                 Int.fetchOne(db, sql: "PRAGMA synchronous"),
                 Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                 Int.fetchOne(db, sql: "PRAGMA busy_timeout"))
        }
        #expect(written.0 == "wal")
        #expect(written.1 == 1)  // NORMAL
        #expect(written.2 == 1)
        #expect(written.3 == 5000)
        // Statement journals of the per-message savepoints stay in memory.
        #expect(try store.write { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)  // MEMORY
        let read = try store.read { db throws in
            try (Int.fetchOne(db, sql: "PRAGMA synchronous"), Int.fetchOne(db, sql: "PRAGMA busy_timeout"))
        }
        #expect(read.0 == 1)
        // GRDB gives pool readers a longer busy timeout of its own (10 s): they rarely wait at all in WAL.
        #expect((read.1 ?? 0) >= 5000)
    }

    @Test func foreignKeysAreEnforced() throws {
        let store = try Store(path: try temporaryDatabasePath(), migrations: [
            Migration("0001_parent_child") { db in
                try db.execute(sql: """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
                    """)
            }
        ])
        #expect(throws: DatabaseError.self) {
            try store.write { db in try db.execute(sql: "INSERT INTO child (id, parent_id) VALUES (1, 42)") }
        }
    }

    @Test func transactionThatThrowsLeavesNoRows() throws {
        struct Boom: Error {}
        let store = try Store(path: try temporaryDatabasePath())
        #expect(throws: Boom.self) {
            try store.write { db throws in
                #expect(try Inbox.record(db, id: "m-1"))
                _ = try Outbox.enqueue(db, topic: "t", payload: Data("p".utf8))
                throw Boom()
            }
        }
        try store.read { db throws in
            #expect(try !Inbox.contains(db, id: "m-1"))
            #expect(try Outbox.count(db) == 0)
        }
        // The redelivery of the same message is then handled, not dropped.
        let recorded = try store.write { db in try Inbox.record(db, id: "m-1") }
        #expect(recorded)
    }

    @Test func integrityCheckPasses() throws {
        let store = try Store(path: try temporaryDatabasePath())
        try store.write { db throws in
            for index in 0..<100 { _ = try Inbox.record(db, id: "m-\(index)") }
        }
        #expect(try store.integrityCheck())
    }

    @Test func duplicateMigrationNameIsRejected() throws {
        let path = try temporaryDatabasePath()
        let error = #expect(throws: StoreError.self) {
            _ = try Store(path: path, migrations: [Migration("0001_inbox") { _ in }])
        }
        #expect(error?.code == .migration)
    }

    @Test func failingMigrationIsReportedAndNotRecorded() throws {
        let path = try temporaryDatabasePath()
        let error = #expect(throws: StoreError.self) {
            _ = try Store(path: path, migrations: [Migration("0001_broken") { db in try db.execute(sql: "CREATE TABLE nonsense (") }])
        }
        #expect(error?.code == .migration)
        let store = try Store(path: path)
        let recorded = try store.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(!recorded.contains("0001_broken"))
    }

    @Test func databaseFromNewerBinaryIsRejected() throws {
        let path = try temporaryDatabasePath()
        _ = try Store(path: path, migrations: [Migration("0001_alerts") { db in try db.execute(sql: "CREATE TABLE alerts (id TEXT)") }])
        let error = #expect(throws: StoreError.self) { _ = try Store(path: path) }
        #expect(error?.code == .migration)
    }

    @Test func unopenablePathIsAnOpenError() throws {
        // A regular file where the parent directory should be.
        let blocker = try temporaryDatabasePath("blocker")
        try FileManager.default.createDirectory(atPath: (blocker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: blocker))
        let error = #expect(throws: StoreError.self) { _ = try Store(path: blocker + "/db.sqlite") }
        #expect(error?.code == .open)
    }
}
