// Turns one health event into its notice (type, title, message, link) and the integration's next health.
import Contracts
import Foundation

public enum NoticeComposer {
    /// The notice for an event (nil when it notifies nobody) and the integration's health after it.
    /// - Parameter syncFailureMinRetries: a sync failure is notified once it was retried this many times.
    public static func compose(_ kind: HealthEventKind, _ event: IntegrationHealthEvent, health before: IntegrationHealth,
                               syncFailureMinRetries: Int, now: Date) -> (notice: IntegrationNotice?, health: IntegrationHealth) {
        var health = before
        health.lastEvent = kind.rawValue
        health.lastEventAt = now
        if let name = event.integrationName, !name.isEmpty { health.integrationName = name }
        let name = health.integrationName
        let provider = event.provider.flatMap { $0.isEmpty ? nil : $0 } ?? name
        func notice(_ type: NotificationType, _ title: String, _ message: String, link: String = "", key: String = "",
                    category: PreferenceCategory = kind.category) -> IntegrationNotice {
            IntegrationNotice(kind: kind, category: category, type: type, title: title, message: message, linkSuffix: link,
                              dampingKey: "\(kind.rawValue)|\(type.rawValue)|\(key)")
        }
        switch kind {
        case .providerStatusChanged:
            let new = event.newStatus ?? "unknown"
            let type: NotificationType = new == "disabled" ? .warning : .information
            return (notice(type, "Integration Provider Status Changed",
                           "The \"\(provider)\" integration provider status has changed from \"\(event.oldStatus ?? "unknown")\" to \"\(new)\".",
                           key: new), health)
        case .providerAudienceChanged:
            let new = event.newAudience ?? event.newStatus ?? "unknown"
            let old = event.oldAudience ?? event.oldStatus ?? "unknown"
            return (notice(.information, "Integration Provider Audience Changed",
                           "The \"\(provider)\" integration provider audience has changed from \"\(old)\" to \"\(new)\".", key: new), health)
        case .connectionStatusChanged:
            let new = (event.newStatus ?? "unknown").lowercased()
            if new == "connected" {
                guard before.status != .ok else { return (nil, health) }
                let failures = before.failingCount
                health.recover(at: now)
                return (notice(.information, "Integration Connection Recovered",
                               "The connection of \"\(name)\" has recovered: it is connected again after \(failures) reported "
                                   + (failures == 1 ? "failure." : "failures."),
                               key: "recovered"), health)
            }
            let type: NotificationType = new == "error" ? .error : .warning
            health.recordFailure(type == .error ? .failing : .degraded, at: now)
            let change = event.oldStatus.map { "from \"\($0)\" to \"\(new)\"" } ?? "to \"\(new)\""
            return (notice(type, "Integration Connection Issue",
                           "The connection status of \"\(name)\" has changed \(change)\(event.error.map { ": \($0)" } ?? ""). "
                               + "Please check the integration's connection.",
                           key: new), health)
        case .connectionTestFailed:
            health.recordFailure(.degraded, at: now)
            let reason = event.error.map { " failed: \($0)." } ?? " failed."
            return (notice(.warning, "Integration Connection Test Failed",
                           "The connection test for \"\(name)\"\(reason) Please check your credentials and try again.", link: "/test"), health)
        case .syncFailed:
            let retries = event.retryCount ?? 0
            guard retries >= syncFailureMinRetries else { return (nil, health) }
            health.recordFailure(.failing, at: now)
            let task = event.taskId ?? ""
            if !health.failedSyncTasks.contains(task) { health.failedSyncTasks = Array((health.failedSyncTasks + [task]).suffix(20)) }
            // More than one sync task failing (each after its retries) since the last recovery is urgent.
            if health.failedSyncTasks.count >= 2 {
                return (notice(.alert, "Integration Sync Failure",
                               "Multiple sync tasks for \"\(name)\" have failed. Immediate action required.", link: "/sync"), health)
            }
            return (notice(.error, "Integration Sync Task Failed",
                           "The sync task for \"\(name)\" has failed after \(retries) attempts: \(event.error ?? "unknown error"). "
                               + "Please review the sync configuration.",
                           link: task.isEmpty ? "/sync" : "/sync/\(task)"), health)
        case .credentialsExpired:
            health.recordFailure(.failing, at: now)
            return (notice(.error, "Integration Credentials Expired",
                           "The credentials for \"\(name)\" have expired. Please update your credentials to continue syncing data.",
                           link: "/credentials"), health)
        case .dataAccessUpdated:
            var message = "The data access configuration for \"\(name)\" has been updated."
            if let old = event.oldAllowedShardTypes, let new = event.newAllowedShardTypes {
                message += " Previously allowed: \(old.joined(separator: ", ")). Now allowed: \(new.joined(separator: ", "))."
            }
            return (notice(.information, "Integration Data Access Updated", message, link: "/configure",
                           key: (event.newAllowedShardTypes ?? []).joined(separator: ",")), health)
        case .searchUpdated:
            return (notice(.information, "Integration Search Configuration Updated",
                           "The search configuration for \"\(name)\" has been updated.", link: "/configure"), health)
        }
    }

    /// The integration's page: `link_template` with `{tenant}` and `{integration_id}` replaced (default
    /// `/integrations/{integration_id}`), then the notice's page path.
    public static func link(template: String?, tenant: String, integrationId: String, suffix: String) -> String {
        let base = (template ?? "/integrations/{integration_id}")
            .replacingOccurrences(of: "{tenant}", with: tenant)
            .replacingOccurrences(of: "{integration_id}", with: integrationId)
        return base + suffix
    }
}
