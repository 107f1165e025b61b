// One delivery to make, as the gateway holds it between the table and a delivery thread.
import Contracts
import Foundation

public struct GatewayJob: Sendable, Equatable {
    /// The row's rowid: fresh jobs are read back from the table in this order (`BoundedBacklog`).
    public let seq: Int64
    public let dispatchId: String
    public let tenant: String
    public let dispatch: DispatchRequest
    /// Attempts made before this one (0 for a fresh job).
    public let attempts: Int
    /// Read back by the retry scheduler (its row has a `not_before`), not by the fresh jobs' window: tried before, or
    /// an urgent dispatch from its arrival on (`GatewayRecords.insert`).
    public let scheduled: Bool

    public init(seq: Int64, dispatchId: String, tenant: String, dispatch: DispatchRequest, attempts: Int = 0, scheduled: Bool = false) {
        self.seq = seq
        self.dispatchId = dispatchId
        self.tenant = tenant
        self.dispatch = dispatch
        self.attempts = attempts
        self.scheduled = scheduled
    }
}
