// Background WAL checkpoints: pages reach the database file without any writer checkpointing, and stop cleanly.
import Foundation
import GRDB
import Logging
import Store
import Testing

@Suite struct CheckpointerTests {
    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    private func write(_ store: Store, megabytes: Int) throws {
        let blob = Data(repeating: 0x5A, count: 64 * 1024)
        for index in 0..<(megabytes * 16) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO blobs (id, body) VALUES (?, ?)", arguments: [index, blob])
            }
        }
    }

    private func open(_ path: String) throws -> Store {
        try Store(path: path, migrations: [Migration("0001_blobs") { db in
            try db.execute(sql: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }])
    }

    @Test func theBackgroundThreadMovesTheWALIntoTheDatabaseFile() async throws {
        let path = try temporaryDatabasePath()
        let store = try open(path)
        try store.checkpointInBackground(every: 0.05, logger: Logger(label: "test"))
        let before = fileSize(path)
        try write(store, megabytes: 3)
        // The writer's own threshold is now far away (20,000 pages): only the background thread can do this.
        let deadline = Date().addingTimeInterval(5)
        while fileSize(path) < before + 2_500_000 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(fileSize(path) >= before + 2_500_000, "database file \(fileSize(path)) bytes, was \(before)")
        store.stopCheckpointing()
        #expect(try store.integrityCheck())
    }

    @Test func underSustainedWritesTheWALStartsOverInsteadOfGrowing() throws {
        let path = try temporaryDatabasePath()
        let store = try open(path)
        try store.checkpointInBackground(every: 0.02, logger: Logger(label: "test"))
        // A writer that never pauses between its small transactions, like a service at full load, 120 MB in all:
        // PASSIVE checkpoints alone let the WAL grow to the safety net (80 MB, or beyond); with the RESTART the
        // writer gives way to, it starts over whenever it holds `restartBytes` (8 MB) after a pass.
        let row = Data(repeating: 0x5A, count: 4000)
        for index in 0..<30_000 {
            try store.write { db in try db.execute(sql: "INSERT INTO blobs (id, body) VALUES (?, ?)", arguments: [index, row]) }
        }
        let wal = fileSize(path + "-wal")
        store.stopCheckpointing()
        #expect(wal < 40_000_000, "WAL file \(wal) bytes after 120 MB written")
        #expect(try store.integrityCheck())
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM blobs") } == 30_000)
    }

    @Test func withoutItTheWriterKeepsSQLitesOwnThreshold() throws {
        let path = try temporaryDatabasePath()
        let store = try open(path)
        let threshold = try store.read { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        #expect(threshold == 1000)
        try store.checkpointInBackground(logger: Logger(label: "test"))
        let raised = try store.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        #expect(raised == Checkpointer.safetyNetBytes / Store.pageSize)
        store.stopCheckpointing()
    }
}
