// Clears the retained state of alerts resolved a while ago, so the broker does not keep every alert ever raised.
import Contracts
import Foundation
import Logging
import ServiceKit
import Store

/// Each alert's state is retained on `alerting/alerts/{tenant}/{alert_id}`, so a dashboard that subscribes
/// sees the current alerts at once. Resolved alerts stay there for `retention` (a day: long enough for anyone
/// looking at what just happened); after that an empty retained message removes them from the broker, whose
/// memory and snapshot (written every 10 s) otherwise grew with every alert ever raised. The alert row itself
/// stays in ingest's table until `retention.keep_for` has passed (`HistoryPruner`, which takes only rows cleared
/// here). A later acknowledge or resolve of the same alert publishes its state again.
public struct RetainedStateSweeper: Sendable {
    public static let retention: TimeInterval = 24 * 3600
    let store: Store
    let relay: OutboxRelay
    let topics: Topics
    let logger: Logger
    /// How often `IngestService` runs `sweepOnce` (through a `PeriodicTask`).
    public static let interval: TimeInterval = 600
    var batch = 500

    public init(store: Store, relay: OutboxRelay, topics: Topics, logger: Logger) {
        self.store = store
        self.relay = relay
        self.topics = topics
        self.logger = logger
    }

    /// Clears what is due at `now`, `batch` alerts a transaction; returns how many were cleared.
    @discardableResult
    func sweepOnce(now: Date) -> Int {
        var total = 0
        do {
            while true {
                let published = try store.write { db in
                    try AlertRecords.resolvedWithRetainedState(db, before: now.addingTimeInterval(-Self.retention), limit: batch).map { alert in
                        try AlertRecords.markRetainedCleared(db, id: alert.id)
                        // An empty retained message deletes the retained one (MQTT 3.3.1.3).
                        return try Outbox.enqueue(db, topic: topics.alertState(tenant: alert.tenant, alertId: alert.id),
                                                  payload: Data(), retain: true)
                    }
                }
                relay.send(published)
                total += published.count
                if published.count < batch { break }
            }
        } catch {
            logger.warning("could not clear the retained state of resolved alerts, trying again later: \(error)")
        }
        if total > 0 { logger.info("cleared the retained state of \(total) alerts resolved over a day ago") }
        return total
    }
}
