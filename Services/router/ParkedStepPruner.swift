// Moves escalation steps parked for longer than a day to the dead letters, hourly, in bounded transactions.
import Foundation
import Logging
import ServiceKit
import Store

struct ParkedStepPruner: Sendable {
    let store: Store
    let metrics: ServiceMetrics
    let logger: Logger
    var batch = 1_000

    /// Returns how many parked steps were moved to the dead letters.
    @discardableResult
    func pruneOnce(now: Date) -> Int {
        let total = BoundedRounds.run(store, batch: batch, what: "parked escalation steps", logger: logger) { db, limit in
            try ParkedSteps.expire(db, olderThan: now.addingTimeInterval(-ParkedSteps.maximumAge), limit: limit, at: now)
        }
        RouterMetrics.parkedStepsExpired.increment(by: total)
        metrics.deadLettered(.received).increment(by: total)
        if total > 0 {
            logger.warning("\(total) escalation steps waited more than a day for their alert's triggered event: moved to the dead letters")
        }
        return total
    }
}
