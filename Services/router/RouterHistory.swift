// What the router prunes of its history, and what it keeps: see docs/configuration.md, `retention`.
import Config
import Contracts
import Foundation
import GRDB
import ServiceKit
import Store

public enum RouterHistory {
    /// Resolved alerts' audit log and facts once resolved longer than the retention (an open alert keeps every
    /// dispatch: its updates are built from them), and inbox items past each user's latest `keep_latest` once read,
    /// or once older than the retention.
    public static func steps(config: ConfigStore, topics: Topics, source: String) -> [PruneStep] {
        [
            PruneStep("resolved alerts' dispatches and facts") { db, request in
                try pruneResolvedAlerts(db, before: request.before, limit: request.limit)
            },
            PruneStep("inbox items") { db, request in
                let pruned = try InboxRecords.prune(db, keepLatest: config.current.channels.inApp.keepLatest, before: request.before,
                                                    limit: request.limit, resumeAt: InboxRecords.UserKey(cursor: request.resumeAt))
                // Pruned unread items lower the count the retained snapshot shows: publish it again.
                let published = try pruned.unreadChanged.map { user in
                    let snapshot = try InboxRecords.snapshot(db, tenant: user.tenant, user: user.user,
                                                             keepLatest: config.current.channels.inApp.keepLatest)
                    let envelope = Envelope(source: source, tenant: user.tenant, time: Date(), data: snapshot)
                    return try Outbox.enqueue(db, topic: topics.inbox(tenant: user.tenant, user: user.user), payload: try envelope.encoded(),
                                              retain: true)
                }
                return PruneRound(deleted: pruned.deleted, resumeAt: pruned.resumeAt?.cursor, published: published)
            },
        ]
    }

    /// Deletes up to `limit` rows: the dispatches of alerts resolved before `before`, then each one's facts, earliest
    /// resolution first. An alert whose dispatches did not all fit keeps its facts until the next round.
    static func pruneResolvedAlerts(_ db: Database, before: Date, limit: Int) throws -> PruneRound {
        var budget = limit
        for alert in try AlertFacts.resolved(db, before: before, limit: limit) {
            budget -= try DispatchRecords.delete(db, tenant: alert.tenant, alertId: alert.alertId, limit: budget)
            if budget == 0 { break }
            try AlertFacts.delete(db, tenant: alert.tenant, alertId: alert.alertId)
            budget -= 1
            if budget == 0 { break }
        }
        return PruneRound(deleted: limit - budget, resumeAt: budget == 0 ? "" : nil)
    }
}
