// The notifier's logic over its SQLite, broker-free: health events become dispatches to the tenant's admins, receipts
// of failed deliveries become new attempts, preference changes are kept and read back.
import Config
import Contracts
import Foundation
import GRDB
import Logging

public struct HealthNotifier: Sendable {
    /// Deliveries of one notice to one admin on one channel are tried at most this often (a failed receipt → again).
    public static let maxAttempts = 3

    let topics: Topics
    let source: String
    let metrics: NotifierMetrics
    let logger: Logger

    public init(topics: Topics, source: String, metrics: NotifierMetrics = NotifierMetrics(), logger: Logger) {
        self.topics = topics
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: health events

    /// One message on `integrations/health/{tenant}/{integration_id}`: the dispatches, the retained health, or a rejection.
    public func health(_ db: Database, topic: String, payload: Data, retained: Bool, config: AlertingConfig, now: Date) throws -> [Outbound] {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, Topics.isValidSegment(parts[2]) else {
            // No tenant to answer to: counted only.
            metrics.rejected(.invalidTopic)
            logger.warning("health event on \(topic.prefix(120)) names no tenant: dropped")
            return []
        }
        let tenantID = parts[2]
        switch Self.accept(parts, payload: payload, retained: retained, config: config) {
        case .success(let (tenant, kind, event)):
            return try notify(db, kind: kind, event: event, tenant: tenant, integrationId: parts[3], config: config, now: now)
        case .failure(let rejection):
            return try reject(rejection, tenant: tenantID, topic: topic, payload: payload, now: now)
        }
    }

    /// The tenant and the event, or why they are refused.
    static func accept(_ parts: [String], payload: Data, retained: Bool, config: AlertingConfig)
        -> Result<(Tenant, HealthEventKind, IntegrationHealthEvent), MessageRejection> {
        do throws(MessageRejection) {
            let tenantID = parts[2]
            guard let tenant = config.tenant(id: tenantID) else {
                throw MessageRejection(.unknownTenant, "tenant \"\(tenantID.prefix(60))\" is not configured")
            }
            guard tenant.enabled else { throw MessageRejection(.tenantDisabled, "tenant \"\(tenantID)\" is disabled") }
            guard parts.count == 4, Topics.isValidSegment(parts[3]) else {
                throw MessageRejection(.invalidTopic, "health events go to integrations/health/{tenant}/{integration_id}: the integration id is missing",
                                      field: "integration_id")
            }
            guard !retained else {
                throw MessageRejection(.retained, "health events are events, not state: publish them without the retain flag")
            }
            guard payload.count <= config.limits.maxPayloadBytes else {
                throw MessageRejection(.oversize, "payload is \(payload.count) bytes, over the limit of \(config.limits.maxPayloadBytes)")
            }
            let (kind, event) = try parse(payload)
            return .success((tenant, kind, event))
        } catch {
            return .failure(error)
        }
    }

    static func parse(_ payload: Data) throws(MessageRejection) -> (HealthEventKind, IntegrationHealthEvent) {
        guard let object = try? JSONSerialization.jsonObject(with: payload) else {
            throw MessageRejection(.malformedJSON, "payload is not JSON")
        }
        guard let fields = object as? [String: Any] else { throw MessageRejection(.notAnObject, "payload must be a JSON object") }
        guard let name = fields["event"] as? String, !name.isEmpty else {
            throw MessageRejection(.missingField, "event is required", field: "event")
        }
        guard let kind = HealthEventKind(rawValue: name) else {
            throw MessageRejection(.invalidValue, "unknown event \"\(name.prefix(60))\"; known: "
                                      + HealthEventKind.allCases.map(\.rawValue).joined(separator: ", "), field: "event")
        }
        let event: IntegrationHealthEvent
        do { event = try JSONCoding.decode(IntegrationHealthEvent.self, from: payload) } catch {
            throw MessageRejection(.wrongType, "fields of the wrong type: \(String(describing: error).prefix(160))")
        }
        if let retries = event.retryCount, retries < 0 {
            throw MessageRejection(.invalidValue, "retry_count must not be negative", field: "retry_count")
        }
        return (kind, event)
    }

    private func reject(_ rejection: MessageRejection, tenant: String, topic: String, payload: Data, now: Date) throws -> [Outbound] {
        metrics.rejected(rejection.reason)
        let body = Rejection(reason: rejection.reason, message: rejection.message, field: rejection.field, topic: topic,
                             excerpt: Rejection.excerpt(of: payload))
        return [Outbound(topic: topics.rejected(tenant: tenant),
                         payload: try Envelope(source: source, tenant: tenant, time: now, data: body).encoded())]
    }

    private func notify(_ db: Database, kind: HealthEventKind, event: IntegrationHealthEvent, tenant: Tenant, integrationId: String,
                        config: AlertingConfig, now: Date) throws -> [Outbound] {
        metrics.event(kind)
        let settings = tenant.integrationNotifications
        let before = try HealthRecords.health(db, tenant: tenant.id, integrationId: integrationId)
            ?? IntegrationHealth(tenant: tenant.id, integrationId: integrationId, integrationName: integrationId, since: now, lastEventAt: now)
        let (composed, health) = NoticeComposer.compose(kind, event, health: before, syncFailureMinRetries: settings.syncFailureMinRetries,
                                                        now: now)
        var out = [Outbound(topic: Topics.integrationState(tenant: tenant.id, integrationId: integrationId),
                            payload: try HealthRecords.save(db, health), retain: true)]
        guard let notice = composed else {
            if kind == .syncFailed { metrics.gated.increment() }
            return out
        }
        let window = try HealthRecords.window(db, tenant: tenant.id, integrationId: integrationId, key: notice.dampingKey)
        let admitted = FlapDamper.admit(window, now: now, window: settings.flapWindow.seconds)
        try HealthRecords.save(db, tenant: tenant.id, integrationId: integrationId, key: notice.dampingKey, window: admitted.next)
        guard admitted.send else {
            metrics.damped.increment()
            return out
        }
        metrics.notice(notice.type)
        out += try dispatches(db, notice: notice, repeats: admitted.repeats, event: event, health: health, tenant: tenant, now: now)
        return out
    }

    /// One dispatch per admin who wants this category, per configured channel the admin has an address on.
    private func dispatches(_ db: Database, notice: IntegrationNotice, repeats: Int, event: IntegrationHealthEvent,
                            health: IntegrationHealth, tenant: Tenant, now: Date) throws -> [Outbound] {
        let settings = tenant.integrationNotifications
        let link = NoticeComposer.link(template: settings.linkTemplate, tenant: tenant.id, integrationId: health.integrationId,
                                       suffix: notice.linkSuffix)
        var message = notice.message
        if repeats > 0 { message += " (Repeated \(repeats) more \(repeats == 1 ? "time" : "times") since the previous notification.)" }
        let noticeID = MessageID.make()
        var details: [String: JSONValue] = [
            "integration_id": .string(health.integrationId), "integration_name": .string(health.integrationName),
            "event": .string(notice.kind.rawValue), "notification_type": .string(notice.type.rawValue),
            "category": .string(notice.category.rawValue),
        ]
        if let provider = event.provider { details["provider"] = .string(provider) }
        if let task = event.taskId { details["task_id"] = .string(task) }
        if let retries = event.retryCount { details["retry_count"] = .number(Double(retries)) }
        if let error = event.error { details["error"] = .string(error) }
        if let by = event.changedBy { details["changed_by"] = .string(by) }
        var alert = Alert(id: noticeID, tenant: tenant.id, dedupKey: "integration/\(health.integrationId)/\(notice.dampingKey)",
                          severity: notice.type.severity, summary: notice.title, category: "integration", type: notice.kind.rawValue,
                          source: "integrations/health", details: details, links: [AlertLink(href: link, text: health.integrationName)],
                          createdAt: now, count: 1 + repeats)
        alert.status = .triggered
        var out: [Outbound] = []
        for admin in settings.admins.members(of: tenant) {
            let preferences = try effectivePreferences(db, tenant: tenant, user: admin.id)
            guard notice.category.isEnabled(in: preferences) else { continue }
            for channel in settings.channels {
                guard let address = admin.address(for: channel) else { continue }
                let dispatchID = MessageID.derived(noticeID, channel.rawValue, admin.id)
                let request = DispatchRequest(dispatchId: dispatchID, kind: .notify, event: .triggered, channel: channel.rawValue,
                                              recipient: Recipient(kind: .user, user: admin.id, address: address, name: admin.name),
                                              title: notice.title, body: message, severity: notice.type.severity,
                                              links: [AlertLink(href: link, text: health.integrationName)], alert: alert)
                let envelope = try Envelope(id: dispatchID, source: source, tenant: tenant.id, time: now, data: request).encoded()
                try HealthRecords.recordDispatch(db, dispatchId: dispatchID, firstId: dispatchID, tenant: tenant.id, channel: channel.rawValue,
                                                 user: admin.id, attempt: 1, envelope: envelope, at: now)
                out.append(Outbound(topic: topics.dispatch(channel: channel.rawValue, tenant: tenant.id), payload: envelope))
                metrics.dispatched(channel: channel.rawValue)
            }
        }
        return out
    }

    /// The tenant defaults, then the configuration file's overrides for this admin, then the run-time ones.
    public func effectivePreferences(_ db: Database, tenant: Tenant, user: String) throws -> IntegrationEventPreferences {
        let fromFile = tenant.integrationNotifications.preferences(for: user)
        return try HealthRecords.overrides(db, tenant: tenant.id, user: user).map(fromFile.applying) ?? fromFile
    }

    // MARK: receipts

    /// A delivery outcome: for a dispatch this notifier sent that failed, the next attempt (up to `maxAttempts`).
    /// Receipts of other services' dispatches are not ours and are ignored.
    public func receipt(_ db: Database, _ receipt: DeliveryReceipt, tenant: String, now: Date) throws -> [Outbound] {
        guard let sent = try HealthRecords.dispatch(db, id: receipt.dispatchId, tenant: tenant), sent.status != "retried" else { return [] }
        guard receipt.status == .failed || receipt.status == .bounced else {
            try HealthRecords.setStatus(db, id: sent.dispatchId, status: receipt.status.rawValue)
            return []
        }
        guard sent.attempt < Self.maxAttempts else {
            try HealthRecords.setStatus(db, id: sent.dispatchId, status: receipt.status.rawValue)
            metrics.retriesExhausted.increment()
            logger.warning("integration notice \(sent.firstId) to \(sent.user) on \(sent.channel) failed \(sent.attempt) times: given up",
                           metadata: ["error": "\(receipt.error ?? "-")"])
            return []
        }
        var envelope = try Envelope<DispatchRequest>.decode(sent.envelope)
        let attempt = sent.attempt + 1
        let nextID = MessageID.derived(sent.firstId, "attempt", String(attempt))
        envelope.id = nextID
        envelope.time = now
        envelope.data.dispatchId = nextID
        let payload = try envelope.encoded()
        try HealthRecords.setStatus(db, id: sent.dispatchId, status: "retried")
        try HealthRecords.recordDispatch(db, dispatchId: nextID, firstId: sent.firstId, tenant: tenant, channel: sent.channel, user: sent.user,
                                         attempt: attempt, envelope: payload, at: now)
        metrics.retries.increment()
        logger.notice("integration notice to \(sent.user) on \(sent.channel) failed: attempt \(attempt) of \(Self.maxAttempts)")
        return [Outbound(topic: topics.dispatch(channel: sent.channel, tenant: tenant), payload: payload)]
    }

    // MARK: preferences

    /// A change on `integrations/preferences/{tenant}/{user}`: its keys replace the admin's run-time overrides of those
    /// keys (`null` drops one); an empty payload drops them all. Read back retained on `.../effective`.
    public func preferences(_ db: Database, topic: String, payload: Data, config: AlertingConfig, now: Date) throws -> [Outbound] {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, Topics.isValidSegment(parts[2]) else {
            metrics.rejected(.invalidTopic)
            return []
        }
        let tenantID = parts[2]
        let user = parts[3]
        let accepted: (Tenant, [PreferenceCategory: Bool?]?)
        do throws(MessageRejection) {
            guard let tenant = config.tenant(id: tenantID) else {
                throw MessageRejection(.unknownTenant, "tenant \"\(tenantID.prefix(60))\" is not configured")
            }
            guard tenant.users.contains(where: { $0.id == user }) else {
                throw MessageRejection(.unknownUser, "\"\(user.prefix(40))\" is not a user of tenant \(tenantID)")
            }
            accepted = (tenant, try Self.parseOverrides(payload))
        } catch {
            return try reject(error, tenant: tenantID, topic: topic, payload: payload, now: now)
        }
        let (tenant, change) = accepted
        let stored = try HealthRecords.overrides(db, tenant: tenantID, user: user) ?? IntegrationPreferenceOverrides()
        let merged = change.map { Self.merge(stored, $0) }
        try HealthRecords.setOverrides(db, tenant: tenantID, user: user, merged.flatMap { $0 == IntegrationPreferenceOverrides() ? nil : $0 },
                                       at: now)
        let readBack = PreferenceReadBack(tenant: tenantID, user: user, preferences: try effectivePreferences(db, tenant: tenant, user: user),
                                          overrides: merged ?? IntegrationPreferenceOverrides(), updatedAt: now)
        logger.info("integration notification preferences of \(tenantID)/\(user) changed")
        return [Outbound(topic: Topics.integrationPreferencesEffective(tenant: tenantID, user: user),
                         payload: try JSONCoding.encode(readBack), retain: true)]
    }

    /// The change's keys: a boolean sets, `null` drops the override. Nil for an empty payload (drop every override).
    static func parseOverrides(_ payload: Data) throws(MessageRejection) -> [PreferenceCategory: Bool?]? {
        guard !payload.isEmpty else { return nil }
        let value: JSONValue
        do { value = try JSONCoding.decode(JSONValue.self, from: payload) } catch { throw MessageRejection(.malformedJSON, "payload is not JSON") }
        guard case .object(let fields) = value else { throw MessageRejection(.notAnObject, "payload must be a JSON object") }
        var change: [PreferenceCategory: Bool?] = [:]
        for (key, value) in fields {
            guard let category = PreferenceCategory(rawValue: key) else {
                throw MessageRejection(.invalidValue, "unknown preference \"\(key.prefix(40))\"; known: "
                                          + PreferenceCategory.allCases.map(\.rawValue).joined(separator: ", "), field: key)
            }
            switch value {
            case .null: change[category] = .some(nil)
            case .bool(let on): change[category] = .some(on)
            default: throw MessageRejection(.wrongType, "\(key) must be true, false or null", field: key)
            }
        }
        return change
    }

    static func merge(_ stored: IntegrationPreferenceOverrides, _ change: [PreferenceCategory: Bool?]) -> IntegrationPreferenceOverrides {
        var result = stored
        for (category, value) in change {
            switch category {
            case .connectionIssues: result.connectionIssues = value
            case .syncFailures: result.syncFailures = value
            case .credentialExpiration: result.credentialExpiration = value
            case .configurationChanges: result.configurationChanges = value
            case .statusUpdates: result.statusUpdates = value
            }
        }
        return result
    }
}
