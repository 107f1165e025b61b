// Inbox pruning: ids older than the retention go, in bounded transactions, oldest first; recent ones stay.
import Foundation
import GRDB
import Logging
@testable import ServiceKit
import Store
import Testing

@Suite struct InboxPrunerTests {
    @Test func oldIdsArePrunedInBoundedBatchesAndRecentOnesKept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pruner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(path: directory.appendingPathComponent("service.sqlite").path)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let old = now.addingTimeInterval(-InboxPruner.retention - 60)
        try store.write { db in
            for index in 0..<12 { _ = try Inbox.record(db, id: "old-\(index)", at: old.addingTimeInterval(Double(index))) }
            _ = try Inbox.record(db, id: "recent", at: now.addingTimeInterval(-InboxPruner.retention + 60))
        }
        // The limit takes the oldest first.
        let first = try store.write { try Inbox.prune($0, olderThan: now.addingTimeInterval(-InboxPruner.retention), limit: 2) }
        #expect(first == 2)
        #expect(try store.read { try !Inbox.contains($0, id: "old-0") && !Inbox.contains($0, id: "old-1") && Inbox.contains($0, id: "old-2") })

        let pruner = InboxPruner(store: store, logger: Logger(label: "test"), batch: 4)
        #expect(pruner.pruneOnce(now: now) == 10, "the other ten, in three transactions of at most four")
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM inbox") } == 1)
        #expect(try store.read { try Inbox.contains($0, id: "recent") })
        #expect(pruner.pruneOnce(now: now) == 0)
    }
}
