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
        var total = 0
        do {
            while true {
                let moved = try store.write {
                    try ParkedSteps.expire($0, olderThan: now.addingTimeInterval(-ParkedSteps.maximumAge), limit: batch, at: now)
                }
                total += moved
                RouterMetrics.parkedStepsExpired.increment(by: moved)
                metrics.deadLettered(.received).increment(by: moved)
                if moved < batch { break }
            }
        } catch {
            logger.warning("could not expire parked escalation steps, trying again later: \(error)")
        }
        if total > 0 {
            logger.warning("\(total) escalation steps waited more than a day for their alert's triggered event: moved to the dead letters")
        }
        return total
    }
}
