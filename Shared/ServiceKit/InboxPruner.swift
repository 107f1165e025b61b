// Keeps a service's inbox (the ids of messages already handled) from growing forever.
import Foundation
import Logging
import Store

/// Deletes inbox ids older than `retention` (run hourly by `ServiceRuntime` through a `PeriodicTask`), in transactions of at most `batch` rows so the
/// consumer's batches never wait long for the writer. A message id can only come back while the broker still
/// holds a session that saw it (7 days, `persistent_client_expiration` in broker/) or a producer re-publishes
/// its outbox after a restart; 14 days covers both with room to spare.
struct InboxPruner: Sendable {
    static let retention: TimeInterval = 14 * 24 * 3600
    let store: Store
    let logger: Logger
    static let interval: TimeInterval = 3600
    var batch = 5_000

    /// Returns how many ids were deleted.
    @discardableResult
    func pruneOnce(now: Date) -> Int {
        let total = BoundedRounds.run(store, batch: batch, what: "the inbox", logger: logger) { db, limit in
            try Inbox.prune(db, olderThan: now.addingTimeInterval(-Self.retention), limit: limit)
        }
        if total > 0 { logger.info("pruned \(total) inbox ids older than \(Int(Self.retention / 86_400)) days") }
        return total
    }
}
