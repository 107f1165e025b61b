// What a delivery thread knows when a webhook is done, handed to the one thread that records it.
import Foundation

/// The job, how it went, and when. The delivery threads used to commit one transaction each, 8 threads queueing
/// for SQLite's single writer; one recorder now commits everything finished meanwhile in one transaction.
struct FinishedDelivery: Sendable {
    let job: DeliveryJob
    let outcome: DeliveryOutcome
    let at: Date
}
