// What a delivery thread (or the admission of a job) hands to the recorder thread, which writes it in a batch.
import Contracts
import Foundation

/// The delivery threads used to commit one transaction each, 8 threads queueing for SQLite's single writer; one
/// recorder now commits everything finished meanwhile in one transaction.
struct RecordedAttempt: Sendable {
    enum Kind: Sendable {
        /// Done: the row is finished and a receipt goes out in the same transaction (with a dead letter when `failed`).
        case finished(status: DeliveryReceipt.Status, attempts: Int, httpStatus: Int?, error: String?, providerRef: String?)
        /// Failed, tried again at `notBefore`.
        case rescheduled(attempts: Int, httpStatus: Int?, error: String, notBefore: Double)
        /// Not tried: its destination is paused or its queue too long; back at `notBefore`.
        case deferred(notBefore: Double)
    }

    let job: GatewayJob
    let kind: Kind
    let at: Date
}
