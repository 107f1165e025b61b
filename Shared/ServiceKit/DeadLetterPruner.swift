// Keeps a service's dead letters from growing forever: those older than 30 days go.
import Foundation
import Logging
import Store

/// Run hourly next to the inbox pruner (`ServiceRuntime`), in transactions of at most `batch` rows so the consumer's
/// batches never wait long for the writer, even after a storm of refusals.
struct DeadLetterPruner: Sendable {
    let store: Store
    let logger: Logger
    var batch = 5_000

    /// Returns how many dead letters were deleted.
    @discardableResult
    func pruneOnce(now: Date) -> Int {
        let total = BoundedRounds.run(store, batch: batch, what: "the dead letters", logger: logger) { db, limit in
            try DeadLetters.prune(db, olderThan: now.addingTimeInterval(-DeadLetters.retention), limit: limit)
        }
        if total > 0 { logger.info("pruned \(total) dead letters older than \(Int(DeadLetters.retention / 86_400)) days") }
        return total
    }
}
