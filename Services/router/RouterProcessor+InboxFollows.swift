// The in-app inbox follows the alert: an acknowledgement, resolution or escalation shows on every recipient's items.
import Contracts
import Foundation
import ServiceKit

extension RouterProcessor {
    /// Every user's items of the alert take its status (who, when) and level, and their snapshots go out again; the
    /// one who acknowledged or resolved has read them. An escalation raises the level and leaves who and when as they were.
    func inboxFollows(_ event: AlertEvent, tenant: String, _ context: ProcessingContext) throws {
        let alert = event.alert
        let acted = event.kind == .acknowledged || event.kind == .resolved
        let at = !acted ? nil : (event.kind == .acknowledged ? alert.acknowledgedAt : alert.resolvedAt) ?? context.now
        var stale = Set(try InboxRecords.follow(context.db, tenant: tenant, alertId: alert.id, status: alert.status.rawValue,
                                                by: acted ? event.by : nil, at: at, level: alert.level))
        if acted, let by = event.by {
            try DispatchRecords.markRead(context.db, tenant: tenant, alertId: alert.id, user: by, at: context.now)
            if try InboxRecords.markRead(context.db, tenant: tenant, user: by, alertId: alert.id) { stale.insert(by) }
        }
        for user in stale.sorted() { try publishInbox(tenant: tenant, user: user, context) }
    }
}
