// Ingest's handling of bus messages: intake, acknowledgements, and escalation levels folded into alert state.
import Config
import Contracts
import Escalator
import Foundation
import Logging
import MQTT
import ServiceKit

public struct IngestProcessor: MessageProcessor {
    let config: ConfigStore
    let topics: Topics
    let metrics: IngestMetrics
    let logger: Logger
    let rateLimiter: IntakeRateLimiter

    public init(config: ConfigStore, topics: Topics, metrics: IngestMetrics = IngestMetrics(), logger: Logger,
                rateLimiter: IntakeRateLimiter = IntakeRateLimiter()) {
        self.config = config
        self.topics = topics
        self.metrics = metrics
        self.logger = logger
        self.rateLimiter = rateLimiter
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        // No tenant segment (`alerting/in//x`): there is no rejected topic to answer on, so it is only counted.
        guard let parsed = topics.parse(message.topic) else {
            metrics.rejected(.invalidTopic)
            logger.debug("dropped \(message.topic.prefix(200)): no tenant in the topic")
            return
        }
        if message.retain, parsed.kind == "in" || parsed.kind == "ack" {
            return try refuseRetained(message, tenantID: parsed.tenant, context)
        }
        switch parsed.kind {
        case "in": try intake(message, tenantID: parsed.tenant, rest: parsed.rest, context)
        case "ack": try acknowledgement(message, tenantID: parsed.tenant, rest: parsed.rest, context)
        case "escalations": try escalationStep(message, context)
        default: return
        }
    }

    // MARK: intake

    private func intake(_ message: MQTTMessage, tenantID: String, rest: [String], _ context: ProcessingContext) throws {
        let current = config.current
        guard let tenant = current.tenant(id: tenantID) else {
            return try reject(message, tenantID, MessageRejection(.unknownTenant, "tenant \"\(tenantID.prefix(60))\" is not configured"), context)
        }
        guard tenant.enabled else {
            return try reject(message, tenantID, MessageRejection(.tenantDisabled, "tenant \"\(tenantID)\" is disabled"), context)
        }
        let limits = current.limits
        guard rateLimiter.admit(tenant: tenantID, now: context.now, rate: limits.intakeRatePerTenant, burst: limits.intakeBurstPerTenant) else {
            return try reject(message, tenantID, MessageRejection(.rateLimited, "tenant \"\(tenantID)\" sent more than \(limits.intakeRatePerTenant) messages/s (burst \(limits.intakeBurstPerTenant))"), context)
        }
        let normalizer = IntakeNormalizer(maxPayloadBytes: current.limits.maxPayloadBytes)
        let intakes: [AlertIntake]
        switch normalizer.normalize(message.payload) {
        case .failure(let rejection): return try reject(message, tenantID, rejection, context)
        case .success(let value): intakes = value
        }
        let topicSource = rest.isEmpty ? nil : rest.joined(separator: "/")
        for (index, var intake) in intakes.enumerated() {
            if intake.source == nil { intake.source = topicSource }
            // No key given: derive one from the message, so a redelivered message updates instead of duplicating.
            let dedupKey = intake.dedupKey ?? MessageID.derived(message.topic, String(index), String(decoding: message.payload, as: UTF8.self))
            let command: LifecycleCommand
            switch intake.action {
            case .trigger: command = .trigger(intake)
            case .acknowledge: command = .acknowledge(by: nil, via: intake.format.rawValue)
            case .resolve: command = .resolve(by: nil, via: intake.format.rawValue)
            }
            let existing = try AlertRecords.openAlert(context.db, tenant: tenantID, dedupKey: dedupKey)
            if existing == nil, intake.action != .trigger {
                if intake.quietIfUnknown { continue }
                let field = intake.format == .alertmanager ? "alerts[\(index)].fingerprint" : "dedup_key"
                try reject(message, tenantID, MessageRejection(.unknownAlert, "no open alert has dedup_key \"\(dedupKey.prefix(80))\"", field: field), context)
                continue
            }
            try apply(command, to: existing, tenant: tenantID, dedupKey: dedupKey, context)
        }
    }

    // MARK: acknowledgements

    /// `alerting/ack/{tenant}/{alert_id}` (from gateways, which set `by` from what they verified) or
    /// `alerting/ack/{tenant}/{alert_id}/by/{user}` (a person or app: the broker ACL ties the suffix to the account).
    private func acknowledgement(_ message: MQTTMessage, tenantID: String, rest: [String], _ context: ProcessingContext) throws {
        let current = config.current
        guard let tenant = current.tenant(id: tenantID) else {
            return try reject(message, tenantID, MessageRejection(.unknownTenant, "tenant \"\(tenantID.prefix(60))\" is not configured"), context)
        }
        guard rest.count == 1 || (rest.count == 3 && rest[1] == "by" && !rest[2].isEmpty), !rest[0].isEmpty else {
            return try reject(message, tenantID, MessageRejection(.invalidTopic, "ack topics are ack/{tenant}/{alert_id} or ack/{tenant}/{alert_id}/by/{user}"), context)
        }
        let alertID = rest[0]
        let topicUser = rest.count == 3 ? rest[2] : nil
        guard message.payload.count <= current.limits.maxPayloadBytes else {
            return try reject(message, tenantID, MessageRejection(.oversize, "payload is \(message.payload.count) bytes, over the limit of \(current.limits.maxPayloadBytes)"), context)
        }
        let command: AckCommand
        switch AckParser.parse(message.payload) {
        case .failure(let rejection): return try reject(message, tenantID, rejection, context)
        case .success(let value): command = value
        }
        // `read` marks in-app inbox items; the router keeps the inbox, the alert's lifecycle does not change.
        if command.action == .read { return }
        if let topicUser, let claimed = command.by, claimed != topicUser {
            return try reject(message, tenantID, MessageRejection(.forbidden, "by \"\(claimed.prefix(40))\" does not match the topic's user \"\(topicUser.prefix(40))\"", field: "by"), context)
        }
        let by = topicUser ?? command.by
        if let by, tenant.user(id: by) == nil {
            return try reject(message, tenantID, MessageRejection(.unknownUser, "\"\(by.prefix(40))\" is not a user of tenant \(tenantID)", field: "by"), context)
        }
        guard let alert = try AlertRecords.alert(context.db, id: alertID), alert.tenant == tenantID else {
            return try reject(message, tenantID, MessageRejection(.unknownAlert, "no alert \"\(alertID.prefix(60))\" in tenant \(tenantID)"), context)
        }
        // An ack's id is the sender's: it deduplicates only that sender's own repeats. So the key holds the tenant and
        // the publisher (the user of a `/by/{user}` topic, else the gateways, whose topic the ACL keeps to services),
        // and it is recorded only once the ack is valid: nobody can use up another tenant's or another user's ids.
        if let id = command.id, try !context.firstDelivery(of: "ack:\(tenantID):\(topicUser.map { "user:\($0)" } ?? "service"):\(id)") { return }
        let via = command.via ?? (topicUser != nil ? "mqtt" : nil)
        let lifecycle: LifecycleCommand
        switch command.action {
        case .acknowledge: lifecycle = .acknowledge(by: by, via: via)
        case .resolve: lifecycle = .resolve(by: by, via: via)
        case .escalate: lifecycle = .escalate(by: by, via: via, reason: command.reason ?? "")
        case .note: lifecycle = .note(by: by, via: via, text: command.note ?? "")
        case .read: return
        }
        try apply(lifecycle, to: alert, tenant: tenantID, dedupKey: alert.dedupKey, context)
    }

    // MARK: escalation levels

    /// The escalator owns time; ingest folds the level and the next due time into the retained state.
    private func escalationStep(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        let envelope = try Envelope<EscalationStepTaken>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        guard var alert = try AlertRecords.alert(context.db, id: envelope.data.alertId), alert.tenant == envelope.tenant, alert.isOpen else { return }
        alert.level = max(alert.level, envelope.data.level)
        alert.nextEscalationAt = alert.status == .triggered ? envelope.data.nextDueAt : nil
        alert.updatedAt = context.now
        try AlertRecords.save(context.db, alert)
        try context.publish(Envelope(source: context.source, tenant: alert.tenant, time: context.now, data: alert),
                            topic: topics.alertState(tenant: alert.tenant, alertId: alert.id), retain: true)
    }

    // MARK: shared

    private func apply(_ command: LifecycleCommand, to existing: Alert?, tenant: String, dedupKey: String, _ context: ProcessingContext) throws {
        switch AlertLifecycle.apply(command, to: existing, tenant: tenant, dedupKey: dedupKey, newID: MessageID.make(), now: context.now) {
        case .unchanged(let why):
            metrics.unchanged.increment()
            logger.debug("no change for \(tenant)/\(dedupKey): \(why)")
        case .changed(var alert, var event):
            if event.kind == .triggered {
                // The countdown shows from the start: the first due time of the timers the escalator arms for this
                // alert, by the escalator's own rules; its steps then carry the next ones.
                alert.nextEscalationAt = EscalationRules().start(alert, tenant: config.current.tenant(id: tenant), now: context.now).state?.nextDueAt
                event.alert = alert
            }
            try AlertRecords.save(context.db, alert)
            try context.publish(Envelope(source: context.source, tenant: tenant, time: context.now, data: event),
                                topic: topics.events(tenant: tenant, alertId: alert.id))
            try context.publish(Envelope(source: context.source, tenant: tenant, time: context.now, data: alert),
                                topic: topics.alertState(tenant: tenant, alertId: alert.id), retain: true)
            metrics.event(event.kind)
        }
    }

    /// A retained message on an intake or ack topic would be taken again by every new session and every ingest
    /// partition: it is refused, and cleared by an empty retained message on its topic (which comes back to us,
    /// retained and empty, and is dropped here).
    private func refuseRetained(_ message: MQTTMessage, tenantID: String, _ context: ProcessingContext) throws {
        guard !message.payload.isEmpty else { return }
        try reject(message, tenantID, MessageRejection(.retained, "intake and acknowledgements must not be retained; the retained message was cleared"), context)
        try context.publish(topic: message.topic, payload: Data(), retain: true)
    }

    private func reject(_ message: MQTTMessage, _ tenantID: String, _ rejection: MessageRejection, _ context: ProcessingContext) throws {
        metrics.rejected(rejection.reason)
        let data = Rejection(reason: rejection.reason, message: rejection.message, field: rejection.field, topic: message.topic,
                             excerpt: Rejection.excerpt(of: message.payload))
        // The tenant segment came from the topic the broker accepted, so it is a valid segment.
        try context.publish(Envelope(source: context.source, tenant: tenantID, time: context.now, data: data),
                            topic: topics.rejected(tenant: tenantID))
        logger.debug("rejected \(message.topic): \(rejection.reason.rawValue): \(rejection.message)")
    }
}
