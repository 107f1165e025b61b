// Deliveries a gateway decides on by itself (a provider's fallback after a failure reported later), stored and queued
// like dispatches from the bus.
import Contracts
import Foundation
import GRDB
import Store
import Synchronization

public final class GatewayIntake: Sendable {
    private let accept = Mutex<(@Sendable ([GatewayJob]) -> Void)?>(nil)

    public init() {}

    /// Called by `Gateway.run` once the delivery threads exist; until then submitted jobs wait in the table, where the
    /// next start finds them.
    func connect(_ accept: @escaping @Sendable ([GatewayJob]) -> Void) {
        self.accept.withLock { $0 = accept }
    }

    /// Stores `dispatch` as a new job in `db`'s transaction; nil when its dispatch id is stored already. Hand the job to
    /// `queue` after the commit.
    public func store(_ db: Database, _ dispatch: DispatchRequest, tenant: String, source: String, at now: Date) throws -> GatewayJob? {
        let envelope = Envelope(id: dispatch.dispatchId, source: source, tenant: tenant, time: now, data: dispatch)
        return try GatewayRecords.insert(db, dispatch, tenant: tenant, envelope: try envelope.encoded(), at: now)
    }

    /// Queues jobs committed by `store`.
    public func queue(_ jobs: [GatewayJob]) {
        guard !jobs.isEmpty, let accept = accept.withLock({ $0 }) else { return }
        accept(jobs)
    }
}
