// One service's SQLite file: opened in WAL mode, migrated, and accessed in transactions.
import Foundation
import GRDB
import Logging
import Synchronization

public final class Store: Sendable {
    /// The page size of new database files (an existing file keeps its own).
    public static let pageSize = 4096
    public let pool: DatabasePool
    public let path: String
    private let checkpointer = Mutex<Checkpointer?>(nil)

    /// Creates the parent directory, opens a DatabasePool (WAL, synchronous=NORMAL, temp_store=MEMORY,
    /// busy_timeout 5 s, foreign keys on) and runs the shared migrations (inbox, outbox, dead letters) then the service's, in order.
    public init(path: String, migrations: [Migration] = [], logger: Logger? = nil) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.open, "cannot create directory \(directory.path): \(error)")
        }

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = URL(fileURLWithPath: path).lastPathComponent
        configuration.prepareDatabase { db in
            // SQLite's default page size, stated. 8 and 16 KiB pages were measured too: a third fewer write calls and
            // +3 % throughput at full load, but at 1,000 alerts/s the p99 went from 7–9 ms to 13–50 ms (spikes every
            // checkpoint interval), so the p99 target decides.
            try db.execute(sql: "PRAGMA page_size = \(Store.pageSize)")
            // NORMAL is durable across application crashes in WAL mode; only a power loss can
            // drop the last commits, and it saves an fsync per transaction. Commits promised to the broker
            // (consumer batches, before their PUBACKs) use FULL instead: `writeDurably`.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // SQLite copies each page a savepoint changes into a statement journal first. When every message ran in a
            // savepoint of its own, that journal in a temp file took 4 of every 5 pwrite() calls of the router
            // (profiled); batches now use savepoints only when run again after a failing message (DurableConsumer),
            // and in memory the journal is a memcpy, bounded by the pages one message touches.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // A batch of 500 messages dirties a few MB; with SQLite's default 2 MB cache it spilled pages into
            // the WAL in the middle of the transaction and wrote them again at COMMIT.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(path): \(error)")
        }

        let all = Migration.shared + migrations
        var seen = Set<String>()
        for migration in all where !seen.insert(migration.name).inserted {
            throw StoreError(.migration, "migration \(migration.name) is registered twice")
        }
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name, migrate: migration.migrate)
        }
        let applied: [String]
        do {
            applied = try pool.read { db in
                // A downgraded binary must not write into a schema it does not know.
                if try migrator.hasBeenSuperseded(db) {
                    throw StoreError(.migration, "\(path) holds migrations unknown to this binary (written by a newer version?)")
                }
                return try migrator.appliedIdentifiers(db).sorted()
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.migration, "migrating \(path): \(error)")
        }
        let fresh = all.map(\.name).filter { !applied.contains($0) }
        if !fresh.isEmpty {
            logger?.info("applied migrations", metadata: ["path": "\(path)", "migrations": "\(fresh.joined(separator: ","))"])
        }
    }

    /// Moves WAL checkpoints off the writer: a thread of its own checkpoints every `interval` seconds, and the
    /// writer's automatic checkpoint threshold goes up to `Checkpointer.safetyNetBytes`. Services call it once
    /// at start; tests and tools that never do keep SQLite's default (every 1,000 pages, in the committing
    /// writer).
    public func checkpointInBackground(every interval: Double = 0.2, logger: Logger) throws {
        try checkpointer.withLock { current in
            guard current == nil else { return }
            let checkpointer = Checkpointer(path: path, interval: interval, logger: logger)
            try checkpointer.start()
            try pool.writeWithoutTransaction { db in
                let pages = Checkpointer.safetyNetBytes / (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? Store.pageSize)
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
            }
            current = checkpointer
        }
    }

    /// Stops the background checkpoints (waits for the one running to end).
    public func stopCheckpointing() {
        let running = checkpointer.withLock { current -> Checkpointer? in
            defer { current = nil }
            return current
        }
        running?.stop()
    }

    /// Runs `body` in one write transaction: committed if it returns, rolled back if it throws.
    /// Errors from `body` and from SQLite (GRDB `DatabaseError`) are rethrown unchanged.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try pool.write(body)
        // Between two transactions: where the background checkpointer can restart the WAL (see Checkpointer).
        checkpointer.withLock { $0 }?.giveWayIfAsked()
        return result
    }

    /// Like `write`, but the commit reaches the disk before this returns (`PRAGMA synchronous = FULL` for this
    /// transaction: the WAL is fsynced at COMMIT). For transactions whose commit is promised to someone else, e.g. a
    /// consumer batch whose PUBACKs go out next: with NORMAL a power loss after the PUBACK could lose what the broker
    /// then forgot. The other writes (deleting acknowledged outbox rows, pruning, a gateway's delivery records) stay
    /// NORMAL: losing them to a power loss repeats work whose ids make it harmless, and an fsync each would cost
    /// 1.3–2.7 ms per commit on this disk instead of 0.1–0.3 ms (measured with sqlite3, WAL, single-row commits).
    /// A FULL commit syncs the whole WAL, so it also makes the NORMAL commits before it durable.
    public func writeDurably<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try pool.writeWithoutTransaction { db -> T in
            // SQLite refuses to change the safety level inside a transaction: set around it, on the one writer connection.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
        checkpointer.withLock { $0 }?.giveWayIfAsked()
        return result
    }

    /// Runs `body` on a read-only snapshot, concurrently with the writer.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// True when SQLite's `PRAGMA integrity_check` finds nothing wrong.
    public func integrityCheck() throws -> Bool {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"]
    }
}
