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
        var total = 0
        do {
            while true {
                let deleted = try store.write {
                    try DeadLetters.prune($0, olderThan: now.addingTimeInterval(-DeadLetters.retention), limit: batch)
                }
                total += deleted
                if deleted < batch { break }
            }
        } catch {
            logger.warning("could not prune the dead letters, trying again later: \(error)")
        }
        if total > 0 { logger.info("pruned \(total) dead letters older than \(Int(DeadLetters.retention / 86_400)) days") }
        return total
    }
}
