// The router's handling of bus messages: lifecycle events and escalation steps become dispatches, receipts update
// the audit log and drive channel failover, read commands update the in-app inbox, analytics requests get answers.
import Config
import Contracts
import Directory
import Foundation
import GRDB
import Logging
import Metrics
import MQTT
import ServiceKit

public struct RouterProcessor: MessageProcessor {
    let config: ConfigStore
    let directories: DirectoryCache
    let topics: Topics
    let logger: Logger
    let environment: [String: String]
    let tenantMismatches: Counter
    /// Warnings that would otherwise repeat for every alert: once a minute per key, with the count held back.
    let repeatedWarnings = LogThrottle()

    public init(config: ConfigStore, topics: Topics, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.topics = topics
        self.logger = logger
        self.environment = environment
        directories = DirectoryCache(config: config, environment: environment)
        tenantMismatches = Counter(label: "alerting_router_tenant_mismatch_total")
    }

    public func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        guard let parsed = topics.parse(message.topic) else { return }
        switch parsed.kind {
        case "events": try lifecycleEvent(message, topicTenant: parsed.tenant, context)
        case "escalations": try escalationStep(message, topicTenant: parsed.tenant, context)
        case "receipts": try receipt(message, topicTenant: parsed.tenant, context)
        case "ack": try readCommand(message, topicTenant: parsed.tenant, rest: parsed.rest, context)
        case "analytics": try analyticsRequest(message, topicTenant: parsed.tenant, rest: parsed.rest, context)
        case "dispatch": try inAppDispatch(message, channel: parsed.tenant, rest: parsed.rest, context)
        default: return
        }
    }

    func refuse(_ what: String, _ topic: String) {
        tenantMismatches.increment()
        logger.error("refused \(what) whose tenant does not match its topic \(topic)")
    }

    // MARK: lifecycle events

    private func lifecycleEvent(_ message: MQTTMessage, topicTenant: String, _ context: ProcessingContext) throws {
        let envelope = try Envelope<AlertEvent>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        // Tenants never see each other's alerts: the topic, the envelope and the alert must agree.
        guard envelope.tenant == topicTenant, envelope.data.alert.tenant == topicTenant else {
            return refuse("an event", message.topic)
        }
        guard let directory = directories.directory(tenant: topicTenant) else {
            if let held = repeatedWarnings.admit("tenant/\(topicTenant)") {
                logger.warning("event for tenant \(topicTenant), which is not configured or disabled: no dispatch\(LogThrottle.heldNote(held))")
            }
            return
        }
        let event = envelope.data
        try AlertFacts.record(context.db, event: event, at: context.now)
        RouterMetrics.alertEvent(event)
        let composer = DispatchComposer(config: config.current, now: context.now, environment: environment)
        switch event.kind {
        case .triggered:
            let plan = RoutingPlanner.plan(alert: event.alert, tenant: directory, now: context.now)
            try dispatch(plan, event: event, sourceID: envelope.id, directory: directory, composer: composer, context)
        case .acknowledged, .resolved, .escalated:
            try updates(event, sourceID: envelope.id, directory: directory, context)
            try inboxFollows(event, tenant: topicTenant, context)
        case .updated, .noted:
            break
        }
        // After the route's deliveries: a route's Slack post and the service's in the same channel share a dispatch id,
        // so the route's (with its priority, kept for updates with the message's reference) is the one published.
        try serviceNotifications(event, sourceID: envelope.id, tenant: directory.tenant, context)
        try applyParkedSteps(tenant: topicTenant, alertId: event.alert.id, directory: directory, context)
    }

    /// A service's own channels, independent of user preferences and never escalated.
    private func serviceNotifications(_ event: AlertEvent, sourceID: String, tenant: Tenant, _ context: ProcessingContext) throws {
        for plan in ServiceNotifications.plan(for: event, tenant: tenant) {
            let kind: DispatchRequest.Kind = event.kind == .triggered ? .notify : .update
            // An update names the message it edits (a service's Slack post), as the route's updates do.
            let providerRef = kind == .update
                ? try DispatchRecords.providerRef(context.db, tenant: tenant.id, alertId: event.alert.id, channel: plan.channel,
                                                  address: plan.recipient.address)
                : nil
            let dispatch = DispatchRequest(
                dispatchId: MessageID.derived(sourceID, plan.channel, plan.recipient.address),
                kind: kind,
                event: event.kind, channel: plan.channel, recipient: plan.recipient,
                title: MessageRenderer.title(for: event), body: MessageRenderer.body(for: event),
                severity: event.alert.severity, links: event.alert.links, alert: event.alert, providerRef: providerRef)
            try publish(dispatch, tenant: tenant.id, details: .init(origin: "service"), context)
        }
    }

    /// Publishes a plan's deliveries in order, records the undeliverable, and posts the route's Slack channel once.
    private func dispatch(_ plan: RoutingPlan, event: AlertEvent, sourceID: String, directory: TenantDirectory,
                          composer: DispatchComposer, _ context: ProcessingContext) throws {
        let tenant = directory.tenant.id
        let origin = plan.origin.rawValue
        if let note = plan.note { logger.notice("alert \(tenant)/\(event.alert.id): \(note)") }
        if let slackChannel = plan.slackChannel {
            let post = composer.toSlackChannel(slackChannel, event: event, sourceID: sourceID, route: plan.route, priority: plan.priority)
            try publish(post, tenant: tenant, details: .init(origin: origin, reason: plan.note), context)
        }
        for delivery in plan.deliveries {
            guard let user = directory.user(id: delivery.user) else { continue }
            for channel in delivery.channels {
                guard let request = composer.toUser(user, channel: channel, event: event, sourceID: sourceID, priority: plan.priority) else { continue }
                try publish(request, tenant: tenant, details: .init(origin: origin, reason: plan.note, failover: delivery.failover.map(\.rawValue)),
                            context)
            }
        }
        for unusable in plan.unusable {
            // A channel the user was to get the alert on: a failed row and a failed receipt, never a silent skip.
            let id = MessageID.derived(sourceID, unusable.channel.rawValue, unusable.user)
            let recipient = directory.user(id: unusable.user).flatMap { $0.address(for: unusable.channel) } ?? unusable.user
            RouterMetrics.undeliverable.increment()
            try DispatchRecords.recordUnsent(context.db, id: id, tenant: tenant, alertId: event.alert.id, event: event.kind.rawValue,
                                             channel: unusable.channel.rawValue, recipient: recipient, user: unusable.user, status: "failed",
                                             origin: origin, reason: unusable.reason, at: context.now)
            let receipt = DeliveryReceipt(dispatchId: id, alertId: event.alert.id, channel: unusable.channel.rawValue, status: .failed,
                                          attempt: 0, error: unusable.reason,
                                          recipient: Recipient(kind: .user, user: unusable.user, address: recipient))
            try context.publish(Envelope(id: MessageID.derived(id, "failed"), source: context.source, tenant: tenant, time: context.now,
                                         data: receipt),
                                topic: topics.receipts(tenant: tenant))
        }
        if plan.deliveries.isEmpty, plan.undeliverable.isEmpty, plan.slackChannel == nil, let note = plan.note {
            // Not even an admin to fall back to: the audit log still says so.
            logger.warning("alert \(tenant)/\(event.alert.id): \(note), and the tenant has no admin to reach")
            try DispatchRecords.recordUndeliverable(context.db, id: MessageID.derived(sourceID, "none", "admins"), tenant: tenant,
                                                    alertId: event.alert.id, event: event.kind.rawValue, user: "admins", origin: origin,
                                                    reason: "\(note); the tenant has no admins", at: context.now)
        }
        for missed in plan.undeliverable {
            RouterMetrics.undeliverable.increment()
            if let held = repeatedWarnings.admit("undeliverable/\(tenant)/\(missed.user)/\(missed.reason)") {
                logger.warning("alert \(tenant)/\(event.alert.id): user \(missed.user) has no usable channel (\(missed.reason))\(LogThrottle.heldNote(held))")
            }
            try DispatchRecords.recordUndeliverable(context.db, id: MessageID.derived(sourceID, "none", missed.user), tenant: tenant,
                                                    alertId: event.alert.id, event: event.kind.rawValue, user: missed.user, origin: origin,
                                                    reason: missed.reason, at: context.now)
        }
    }

    /// Records and publishes one dispatch; in-app ones go to the inbox the router keeps. A dispatch id seen before is
    /// neither recorded nor published again.
    private func publish(_ request: DispatchRequest, tenant: String, details: DispatchRecords.Details, _ context: ProcessingContext) throws {
        // Encoded once: the same bytes go to the audit log and to the bus.
        let envelope = try Envelope(id: request.dispatchId, source: context.source, tenant: tenant, time: context.now, data: request).encoded()
        if request.channel == ChannelName.inApp.rawValue {
            guard request.kind == .notify, let user = request.recipient.user else { return }
            guard try DispatchRecords.recordPending(context.db, request, tenant: tenant, at: context.now, details: details, status: "delivered",
                                                    envelope: envelope)
            else { return }
            let item = InboxItem(id: request.dispatchId, alertId: request.alert.id, title: request.title, body: request.body,
                                 severity: request.severity, at: context.now, type: request.event == .escalated ? "escalation" : "alert",
                                 priority: request.priority, link: request.alert.links.first?.href, status: request.alert.status.rawValue,
                                 level: request.alert.level)
            _ = try InboxRecords.add(context.db, tenant: tenant, user: user, item: item)
            try publishInbox(tenant: tenant, user: user, context)
            RouterMetrics.dispatched(channel: request.channel)
            return
        }
        // The request is kept for what is built from it later: updates and failover of a first notification. A service's
        // own channels are never updated nor failed over, and updates are not updated again.
        let keep = request.kind == .notify && details.origin != "service"
        guard try DispatchRecords.recordPending(context.db, request, tenant: tenant, at: context.now, details: details,
                                                envelope: keep ? envelope : nil) else { return }
        try context.publish(topic: topics.dispatch(channel: request.channel, tenant: tenant), payload: envelope)
        RouterMetrics.dispatched(channel: request.channel)
    }

    func publishInbox(tenant: String, user: String, _ context: ProcessingContext) throws {
        let keep = config.current.channels.inApp.keepLatest
        let snapshot = try InboxRecords.snapshot(context.db, tenant: tenant, user: user, keepLatest: keep)
        try context.publish(Envelope(source: context.source, tenant: tenant, time: context.now, data: snapshot),
                            topic: topics.inbox(tenant: tenant, user: user), retain: true)
    }

    /// `kind: update` to everyone already notified of the alert, on the same channel, with the provider's reference.
    private func updates(_ event: AlertEvent, sourceID: String, directory: TenantDirectory, _ context: ProcessingContext) throws {
        let tenant = directory.tenant.id
        var seen = Set<String>()
        for (row, earlier) in try DispatchRecords.notified(context.db, tenant: tenant, alertId: event.alert.id)
        where earlier.channel != ChannelName.inApp.rawValue {
            let dispatchID = MessageID.derived(sourceID, earlier.channel, earlier.recipient.user ?? earlier.recipient.address)
            guard seen.insert(dispatchID).inserted else { continue }
            var update = earlier
            update.dispatchId = dispatchID
            update.kind = .update
            update.event = event.kind
            update.title = MessageRenderer.title(for: event)
            update.body = MessageRenderer.body(for: event)
            update.alert = event.alert
            update.providerRef = row.providerRef
            update.actions = event.kind == .resolved ? [] : update.actions
            try publish(update, tenant: tenant, details: .init(origin: row.origin), context)
        }
    }

    // MARK: escalation steps

    private func escalationStep(_ message: MQTTMessage, topicTenant: String, _ context: ProcessingContext) throws {
        let envelope = try Envelope<EscalationStepTaken>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        guard envelope.tenant == topicTenant else { return refuse("an escalation step", message.topic) }
        RouterMetrics.escalationStep(envelope.data.cause.kind)
        let step = envelope.data
        guard let directory = directories.directory(tenant: topicTenant) else {
            if let held = repeatedWarnings.admit("tenant/\(topicTenant)") {
                logger.warning("escalation step for tenant \(topicTenant), which is not configured or disabled: no dispatch\(LogThrottle.heldNote(held))")
            }
            return
        }
        guard let alert = try AlertFacts.alert(context.db, tenant: topicTenant, alertId: step.alertId) else {
            // It overtook its alert's triggered event (two publishers, two topics): applied when the event comes.
            try ParkedSteps.park(context.db, tenant: topicTenant, alertId: step.alertId, envelopeId: envelope.id,
                                 topic: message.topic, payload: message.payload, at: context.now)
            RouterMetrics.parkedSteps.increment()
            logger.notice("escalation step for alert \(topicTenant)/\(step.alertId) came before its triggered event: parked")
            return
        }
        try applyStep(envelope, alert: alert, topic: message.topic, directory: directory, context)
    }

    /// The steps that came before this alert was known, in their order, in the event's transaction.
    private func applyParkedSteps(tenant: String, alertId: String, directory: TenantDirectory, _ context: ProcessingContext) throws {
        let parked = try ParkedSteps.take(context.db, tenant: tenant, alertId: alertId)
        guard !parked.isEmpty, let alert = try AlertFacts.alert(context.db, tenant: tenant, alertId: alertId) else { return }
        for step in parked {
            try applyStep(Envelope<EscalationStepTaken>.decode(step.payload), alert: alert, topic: step.topic, directory: directory, context)
            RouterMetrics.parkedStepsApplied.increment()
        }
    }

    private func applyStep(_ envelope: Envelope<EscalationStepTaken>, alert: Alert, topic: String, directory: TenantDirectory,
                       _ context: ProcessingContext) throws {
        let step = envelope.data
        let topicTenant = directory.tenant.id
        guard alert.tenant == topicTenant else { return refuse("an escalation step", topic) }
        guard alert.isOpen else { return }
        if step.level > 0 { try AlertFacts.recordEscalation(context.db, tenant: topicTenant, alertId: alert.id) }
        var alert = alert
        alert.level = max(alert.level, step.level)
        let event = AlertEvent(kind: .escalated, alert: alert, by: step.by,
                               reason: step.reason ?? "level \(step.level): \(step.cause.kind.rawValue.replacingOccurrences(of: "_", with: " "))")
        let plan = RoutingPlanner.plan(step: step, alert: alert, tenant: directory, now: context.now)
        if Self.updatesWhatWasSent(step) {
            // What was sent before shows the escalation (before this step's own messages go out, so they are not
            // updated by their own step); a manual escalation's updates come with its `escalated` event.
            // Ids of their own: the step's new message to someone already notified on a channel is another dispatch.
            let updatesID = MessageID.derived(envelope.id, "updates")
            try updates(event, sourceID: updatesID, directory: directory, context)
            try serviceNotifications(event, sourceID: updatesID, tenant: directory.tenant, context)
        }
        // The in-app items show the level reached, a manual escalation's too (its event carried the level before it).
        if step.level > 0, step.cause.kind != .deadlineNotice { try inboxFollows(event, tenant: topicTenant, context) }
        let composer = DispatchComposer(config: config.current, now: context.now, environment: environment)
        try dispatch(plan, event: event, sourceID: envelope.id, directory: directory, composer: composer, context)
    }

    /// An automatic escalation (a policy step above level 0, a route's role or top step, a deadline level) updates the
    /// messages already sent; a first policy step is the first notification, a deadline notice raises nothing, and a
    /// manual step's updates go out with its `escalated` lifecycle event.
    static func updatesWhatWasSent(_ step: EscalationStepTaken) -> Bool {
        switch step.cause.kind {
        case .manual, .deadlineNotice: false
        case .policyStep, .routeRole, .top, .deadlineThreshold: step.level > 0
        }
    }

    // MARK: receipts and failover

    /// One receipt, or a gateway's batch of them (`DeliveryReceipts`), each applied as if it came alone.
    private func receipt(_ message: MQTTMessage, topicTenant: String, _ context: ProcessingContext) throws {
        if EnvelopeType.of(message.payload) == DeliveryReceipts.eventType {
            let envelope = try Envelope<DeliveryReceipts>.decode(message.payload)
            guard try context.firstDelivery(of: envelope.id) else { return }
            guard envelope.tenant == topicTenant else { return refuse("receipts", message.topic) }
            for receipt in envelope.data.receipts { try apply(receipt, tenant: topicTenant, context) }
            return
        }
        let envelope = try Envelope<DeliveryReceipt>.decode(message.payload)
        guard try context.firstDelivery(of: envelope.id) else { return }
        guard envelope.tenant == topicTenant else { return refuse("a receipt", message.topic) }
        try apply(envelope.data, tenant: topicTenant, context)
    }

    private func apply(_ receipt: DeliveryReceipt, tenant topicTenant: String, _ context: ProcessingContext) throws {
        RouterMetrics.receipt(channel: receipt.channel, status: receipt.status.rawValue)
        guard try DispatchRecords.apply(context.db, receipt, tenant: topicTenant, at: context.now) else { return }
        guard receipt.status == .failed || receipt.status == .bounced else { return }
        try failover(after: receipt.dispatchId, tenant: topicTenant, context)
    }

    /// A first_available delivery that finally failed: the user's next usable channel, each try recorded;
    /// the list shrinks with every try, so it is walked at most once.
    private func failover(after dispatchID: String, tenant: String, _ context: ProcessingContext) throws {
        guard let row = try DispatchRecords.row(context.db, dispatchId: dispatchID, tenant: tenant), row.kind == "notify",
              !row.failover.isEmpty, let userID = row.recipientUser,
              let earlier = try DispatchRecords.request(context.db, dispatchId: dispatchID),
              let directory = directories.directory(tenant: tenant), let user = directory.user(id: userID) else { return }
        var remaining = row.failover.map { ChannelName(rawValue: $0) }
        while !remaining.isEmpty {
            let next = remaining.removeFirst()
            guard directory.isAvailable(next), let address = user.address(for: next) else { continue }
            var request = earlier
            request.dispatchId = MessageID.derived(dispatchID, next.rawValue)
            request.channel = next.rawValue
            request.recipient.address = address
            logger.notice("dispatch \(dispatchID) to \(userID) on \(row.channel) failed: trying \(next)")
            RouterMetrics.failover(channel: next.rawValue)
            try publish(request, tenant: tenant, details: .init(origin: "failover", reason: "after \(row.channel) failed",
                                                                 failover: remaining.map(\.rawValue)), context)
            return
        }
        logger.warning("dispatch \(dispatchID) to \(userID) failed and no channel is left to try")
    }

    // MARK: inbox reads

    /// `{"action": "read"}` on `ack/{tenant}/{alert_id}/by/{user}` (or with `by`): marks that alert's inbox items read.
    private func readCommand(_ message: MQTTMessage, topicTenant: String, rest: [String], _ context: ProcessingContext) throws {
        guard let alertID = rest.first else { return }
        guard let command = try? JSONCoding.decode(AckCommand.self, from: message.payload), command.action == .read else { return }
        let topicUser = rest.count == 3 && rest[1] == "by" ? rest[2] : nil
        if let topicUser, let claimed = command.by, claimed != topicUser { return }
        guard let userID = topicUser ?? command.by, let directory = directories.directory(tenant: topicTenant),
              directory.user(id: userID) != nil else { return }
        try DispatchRecords.markRead(context.db, tenant: topicTenant, alertId: alertID, user: userID, at: context.now)
        if try InboxRecords.markRead(context.db, tenant: topicTenant, user: userID, alertId: alertID) {
            try publishInbox(tenant: topicTenant, user: userID, context)
        }
    }

    // MARK: analytics

    private func analyticsRequest(_ message: MQTTMessage, topicTenant: String, rest: [String], _ context: ProcessingContext) throws {
        guard rest.isEmpty, config.current.tenant(id: topicTenant) != nil else { return }
        guard let request = try? JSONCoding.decode(AnalyticsRequest.self, from: message.payload) else {
            logger.warning("analytics request on \(message.topic) is not {\"reply_to\": …, \"window\": …}")
            return
        }
        guard !request.replyTo.isEmpty, !request.replyTo.contains("+"), !request.replyTo.contains("#"), request.replyTo != message.topic else {
            logger.warning("analytics request on \(message.topic) names an invalid reply_to")
            return
        }
        let window = request.window.flatMap(ConfigDuration.init(parsing:)).flatMap { $0.seconds > 0 ? $0 : nil } ?? Analytics.defaultWindow
        let report = try Analytics.report(context.db, tenant: topicTenant, window: window, now: context.now,
                                          keptFor: config.current.retention.keepFor, correlationId: request.correlationId)
        try context.publish(Envelope(source: context.source, tenant: topicTenant, time: context.now, data: report), topic: request.replyTo)
    }
}
