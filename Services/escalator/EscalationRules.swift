// The escalation state machine: pure, given the tenant's configuration, an alert's state, an event or a due timer, and the time.
import Config
import Contracts
import Foundation

/// The rules (docs/escalation.md):
/// - policy: the service's escalation policy; `after` counts from the start of the pass, `repeat` runs the chain again;
/// - route: the first enabled matching route's `escalate_to_role` (level 1), then the tenant's `top_roles` (level 2);
/// - deadline: thresholds of (deadline − created), level n for the n-th, notices `notify_before` the deadline;
/// - acknowledge or resolve stops policy and route escalation; deadline escalation stops per `stop_on`;
/// - manual: one level up at once, with who and why;
/// - expiry: at `horizon` after creation, an alert with nothing left to escalate expires.
public struct EscalationRules: Sendable {
    public static let defaultHorizon: TimeInterval = 7 * 86_400
    /// A repeat never starts sooner than this after the previous pass, so a chain of zero delays cannot spin.
    public static let minimumCycle: TimeInterval = 60

    public var horizon: TimeInterval

    public init(horizon: TimeInterval = EscalationRules.defaultHorizon) {
        self.horizon = horizon
    }

    // MARK: events

    /// A lifecycle event of the alert. `eventID` names a manual step, so a redelivered event yields the same step id.
    public func apply(_ event: AlertEvent, eventID: String, to current: AlertEscalation?, tenant: Tenant?, now: Date) -> EscalationOutcome {
        switch event.kind {
        case .triggered, .updated:
            guard var state = current else { return start(event.alert, tenant: tenant, now: now) }
            state.alert = event.alert
            return EscalationOutcome(state: state)

        case .acknowledged:
            var state = current ?? start(event.alert, tenant: tenant, now: now).state!
            guard !state.status.isFinal, state.status != .acknowledged else { return EscalationOutcome(state: state) }
            state.alert = event.alert
            state.status = .acknowledged
            let stopDeadline = (tenant?.deadlineEscalation.stopOn ?? .resolve) == .acknowledge
            state.timers.removeAll { timer in
                switch timer.kind {
                case .deadlineThreshold, .deadlineNotice: return stopDeadline
                default: return true
                }
            }
            return EscalationOutcome(state: state, log: [AttentionEntry(at: now, kind: .acknowledged, level: state.level, by: event.by, reason: event.via.map { "via \($0)" })])

        case .resolved:
            var state = current ?? AlertEscalation(alert: event.alert)
            guard state.status != .resolved else { return EscalationOutcome(state: state) }
            state.alert = event.alert
            state.status = .resolved
            state.timers = []
            return EscalationOutcome(state: state, log: [AttentionEntry(at: now, kind: .resolved, level: state.level, by: event.by, reason: event.via.map { "via \($0)" })])

        case .escalated:
            var state = current ?? start(event.alert, tenant: tenant, now: now).state!
            guard state.status != .resolved else { return EscalationOutcome(state: state) }
            state.alert = event.alert
            let level = state.level + 1
            let (targets, channels, routeEscalation) = manualTargets(level: level, alert: state.alert, tenant: tenant)
            state.level = level
            if state.status != .acknowledged { state.status = .escalated }
            let step = EscalationStepTaken(alertId: state.alert.id, level: level, cause: EscalationCause(kind: .manual), targets: targets,
                                           channels: channels, reason: event.reason, by: event.by, dueAt: now, nextDueAt: state.nextDueAt,
                                           channelMode: routeEscalation ? EscalationStepTaken.everyChannel : nil)
            return EscalationOutcome(state: state, steps: [PlannedStep(key: "manual/\(eventID)", step: step)],
                                     log: [AttentionEntry(at: now, kind: .manual, level: level, cause: step.cause, targets: targets,
                                                          channels: channels, by: event.by, reason: event.reason)])

        case .noted:
            guard let current else { return EscalationOutcome(state: nil) }
            return EscalationOutcome(state: current, log: [AttentionEntry(at: now, kind: .noted, level: current.level, by: event.by, reason: event.note)])
        }
    }

    /// A new alert: its first timers, one per chain.
    public func start(_ alert: Alert, tenant: Tenant?, now: Date) -> EscalationOutcome {
        var state = AlertEscalation(alert: alert, level: alert.level)
        switch alert.status {
        case .resolved: state.status = .resolved
        case .acknowledged: state.status = .acknowledged
        case .triggered: state.timers = initialTimers(alert, tenant: tenant, now: now)
        }
        return EscalationOutcome(state: state, log: [AttentionEntry(at: now, kind: .triggered, level: state.level,
                                                                    reason: state.timers.isEmpty ? "nothing to escalate" : nil)])
    }

    func initialTimers(_ alert: Alert, tenant: Tenant?, now: Date) -> [EscalationTimer] {
        let created = alert.createdAt
        var timers: [EscalationTimer] = []
        if let tenant {
            if let policy = policy(alert, tenant), let first = policy.steps.first {
                timers.append(EscalationTimer(kind: .policyStep, dueAt: created.addingTimeInterval(first.after.seconds)))
            }
            if let route = route(alert, tenant) {
                if route.escalateToRole != nil, let after = route.escalateAfter {
                    timers.append(EscalationTimer(kind: .routeRole, dueAt: created.addingTimeInterval(after.seconds)))
                }
                if let top = route.escalateToTopAfter, !tenant.topRoles.isEmpty {
                    timers.append(EscalationTimer(kind: .top, dueAt: created.addingTimeInterval(top.seconds)))
                }
            }
            if let deadline = alert.deadline {
                if let first = thresholds(alert, tenant).first {
                    timers.append(EscalationTimer(kind: .deadlineThreshold, index: 0, dueAt: thresholdTime(first, created: created, deadline: deadline)))
                }
                // Notices whose time passed before the alert arrived are not sent (the thresholds cover that time).
                let notices = noticeOffsets(tenant)
                if let index = notices.firstIndex(where: { deadline.addingTimeInterval(-$0) > now }) {
                    timers.append(EscalationTimer(kind: .deadlineNotice, index: index, dueAt: deadline.addingTimeInterval(-notices[index])))
                }
            }
        }
        timers.append(EscalationTimer(kind: .expiry, dueAt: created.addingTimeInterval(horizon)))
        return timers
    }

    // MARK: timers

    /// A due timer: the step it takes (if any) and the timers that follow it.
    public func fire(_ timer: EscalationTimer, in current: AlertEscalation, tenant: Tenant?, now: Date) -> EscalationOutcome {
        var state = current
        guard let position = state.timers.firstIndex(of: timer) else { return EscalationOutcome(state: state) }
        state.timers.remove(at: position)
        guard !state.status.isFinal else { return EscalationOutcome(state: state) }
        let alert = state.alert
        guard let tenant else {
            return timer.kind == .expiry ? expire(state, now: now, why: "tenant \(alert.tenant) is no longer configured") : EscalationOutcome(state: state)
        }
        let created = alert.createdAt
        var step: (level: Int, cause: EscalationCause, targets: [EscalationTargetRef], channels: [ChannelName]?, reason: String?, dueAt: Date)?

        switch timer.kind {
        case .policyStep:
            guard let policy = policy(alert, tenant), timer.index < policy.steps.count else { break }
            let chain = policy.steps[timer.index]
            step = (timer.index, EscalationCause(kind: .policyStep, policy: policy.id, step: timer.index + 1, repeatNumber: timer.pass),
                    chain.targets.map(Self.reference), chain.channels, nil, timer.dueAt)
            if timer.index + 1 < policy.steps.count {
                let start = passStart(timer.pass, policy: policy, created: created)
                state.timers.append(EscalationTimer(kind: .policyStep, pass: timer.pass, index: timer.index + 1,
                                                    dueAt: start.addingTimeInterval(policy.steps[timer.index + 1].after.seconds)))
            } else if timer.pass < policy.repeat {
                let start = passStart(timer.pass + 1, policy: policy, created: created)
                state.timers.append(EscalationTimer(kind: .policyStep, pass: timer.pass + 1, index: 0,
                                                    dueAt: start.addingTimeInterval(policy.steps[0].after.seconds)))
            }

        case .routeRole:
            guard let route = route(alert, tenant), let role = route.escalateToRole else { break }
            step = (1, EscalationCause(kind: .routeRole, policy: route.id), [EscalationTargetRef(role: role)], route.channels, nil, timer.dueAt)

        case .top:
            guard let route = route(alert, tenant), !tenant.topRoles.isEmpty else { break }
            step = (2, EscalationCause(kind: .top, policy: route.id), tenant.topRoles.map { EscalationTargetRef(role: $0) }, route.channels, nil, timer.dueAt)

        case .deadlineThreshold:
            guard let deadline = alert.deadline else { break }
            let list = thresholds(alert, tenant)
            guard timer.index < list.count else { break }
            // Thresholds passed while nobody looked (at creation, or while the escalator was down) are not replayed
            // one by one: the highest one passed fires.
            var reached = timer.index
            while reached + 1 < list.count, thresholdTime(list[reached + 1], created: created, deadline: deadline) <= now { reached += 1 }
            let level = reached + 1
            if level > state.deadlineLevel {
                state.deadlineLevel = level
                let config = deadlineLevel(level, tenant)
                step = (level, EscalationCause(kind: .deadlineThreshold, percent: list[reached]),
                        (config?.roles ?? []).map { EscalationTargetRef(role: $0) }, config?.channels, nil,
                        thresholdTime(list[reached], created: created, deadline: deadline))
            }
            if reached + 1 < list.count {
                state.timers.append(EscalationTimer(kind: .deadlineThreshold, index: reached + 1,
                                                    dueAt: thresholdTime(list[reached + 1], created: created, deadline: deadline)))
            }

        case .deadlineNotice:
            guard let deadline = alert.deadline else { break }
            let notices = noticeOffsets(tenant)
            guard timer.index < notices.count else { break }
            var reached = timer.index
            while reached + 1 < notices.count, deadline.addingTimeInterval(-notices[reached + 1]) <= now { reached += 1 }
            if now < deadline {
                let config = deadlineLevel(max(state.deadlineLevel, 1), tenant)
                step = (state.level, EscalationCause(kind: .deadlineNotice), (config?.roles ?? []).map { EscalationTargetRef(role: $0) },
                        config?.channels, "deadline in \(ConfigDuration(seconds: notices[reached]))", deadline.addingTimeInterval(-notices[reached]))
            }
            if reached + 1 < notices.count {
                state.timers.append(EscalationTimer(kind: .deadlineNotice, index: reached + 1, dueAt: deadline.addingTimeInterval(-notices[reached + 1])))
            }

        case .expiry:
            if let last = state.timers.filter(\.isStep).map(\.dueAt).max() {
                // Someone is still to be escalated to: expire after the last of them.
                state.timers.append(EscalationTimer(kind: .expiry, dueAt: max(last, timer.dueAt).addingTimeInterval(1)))
                return EscalationOutcome(state: state)
            }
            guard state.status != .acknowledged else { return EscalationOutcome(state: state) }
            return expire(state, now: now, why: "open for \(ConfigDuration(seconds: horizon)) with nobody left to escalate to")
        }

        guard let step else { return EscalationOutcome(state: state) }
        // A notice does not raise the level; every other step may.
        state.level = max(state.level, step.level)
        if state.status == .pending { state.status = .escalated }
        let channels = step.channels?.map(\.rawValue)
        // A route's escalations page on each of the route's channels; policy steps and deadline levels take the first available.
        let routeEscalation = timer.kind == .routeRole || timer.kind == .top
        let taken = EscalationStepTaken(alertId: alert.id, level: step.level, cause: step.cause, targets: step.targets, channels: channels,
                                        reason: step.reason, dueAt: step.dueAt, nextDueAt: state.nextDueAt,
                                        channelMode: routeEscalation ? EscalationStepTaken.everyChannel : nil)
        return EscalationOutcome(state: state, steps: [PlannedStep(key: timer.key, step: taken)],
                                 log: [AttentionEntry(at: now, kind: .step, level: step.level, cause: step.cause, targets: step.targets,
                                                      channels: channels, reason: step.reason)])
    }

    private func expire(_ current: AlertEscalation, now: Date, why: String) -> EscalationOutcome {
        var state = current
        state.status = .expired
        state.timers = []
        return EscalationOutcome(state: state, log: [AttentionEntry(at: now, kind: .expired, level: state.level, reason: why)])
    }

    // MARK: configuration lookups

    func policy(_ alert: Alert, _ tenant: Tenant) -> EscalationPolicy? {
        guard let service = alert.service, let policy = tenant.policy(forService: service), !policy.steps.isEmpty else { return nil }
        return policy
    }

    /// The first enabled route matching the alert.
    func route(_ alert: Alert, _ tenant: Tenant) -> Route? {
        tenant.routes(matchingCategory: alert.category, type: alert.type).first
    }

    /// The alert's `details.deadline_thresholds`, else its route's, else the tenant's.
    func thresholds(_ alert: Alert, _ tenant: Tenant) -> [Int] {
        if let written = alert.details["deadline_thresholds"]?.arrayValue {
            let values = written.compactMap(\.numberValue).map { Int($0) }.filter { (1...100).contains($0) }
            if !values.isEmpty, values.count == written.count { return Array(Set(values)).sorted() }
        }
        if let route = route(alert, tenant), let own = route.deadlineThresholds, !own.isEmpty { return own.sorted() }
        return tenant.deadlineEscalation.thresholds.sorted()
    }

    func thresholdTime(_ percent: Int, created: Date, deadline: Date) -> Date {
        let span = max(0, deadline.timeIntervalSince(created))
        return created.addingTimeInterval(span * Double(percent) / 100)
    }

    /// Seconds before the deadline, farthest first.
    func noticeOffsets(_ tenant: Tenant) -> [TimeInterval] {
        tenant.deadlineEscalation.notifyBefore.map(\.seconds).filter { $0 > 0 }.sorted(by: >)
    }

    /// Level `n`'s configuration, or the highest configured level below it.
    func deadlineLevel(_ level: Int, _ tenant: Tenant) -> DeadlineLevel? {
        let levels = tenant.deadlineEscalation.levels
        if let exact = levels[level] { return exact }
        return levels.keys.filter { $0 <= level }.max().flatMap { levels[$0] }
    }

    /// When pass `n` of the chain starts: one cycle after the previous. A cycle is the last step's `after` plus
    /// the gap before the last step (the last step's `after` for a one-step chain), at least `minimumCycle`.
    func passStart(_ pass: Int, policy: EscalationPolicy, created: Date) -> Date {
        let afters = policy.steps.map(\.after.seconds)
        let last = afters.last ?? 0
        let gap = afters.count > 1 ? last - afters[afters.count - 2] : last
        return created.addingTimeInterval(Double(pass) * max(last + gap, Self.minimumCycle))
    }

    /// Whom a manual escalation to `level` names: the policy step of that level, else the route's role (level 1)
    /// or the top roles (level 2 and up), else the deadline level's roles for an alert with a deadline, else the top roles.
    /// `routeEscalation`: the targets are the route's, paged on each of its channels as its timers would.
    func manualTargets(level: Int, alert: Alert, tenant: Tenant?) -> (targets: [EscalationTargetRef], channels: [String]?, routeEscalation: Bool) {
        guard let tenant else { return ([], nil, false) }
        if let policy = policy(alert, tenant), level < policy.steps.count {
            return (policy.steps[level].targets.map(Self.reference), policy.steps[level].channels?.map(\.rawValue), false)
        }
        if let route = route(alert, tenant) {
            if level == 1, let role = route.escalateToRole { return ([EscalationTargetRef(role: role)], route.channels?.map(\.rawValue), true) }
            if level >= 2, route.escalateToTopAfter != nil, !tenant.topRoles.isEmpty {
                return (tenant.topRoles.map { EscalationTargetRef(role: $0) }, route.channels?.map(\.rawValue), true)
            }
        }
        if alert.deadline != nil, let config = deadlineLevel(level, tenant) {
            return (config.roles.map { EscalationTargetRef(role: $0) }, config.channels?.map(\.rawValue), false)
        }
        return (tenant.topRoles.map { EscalationTargetRef(role: $0) }, nil, false)
    }

    static func reference(_ target: EscalationTarget) -> EscalationTargetRef {
        switch target.kind {
        case .schedule: EscalationTargetRef(schedule: target.id)
        case .team: EscalationTargetRef(team: target.id, onlyLead: target.onlyLead ? true : nil)
        case .role: EscalationTargetRef(role: target.id)
        case .user: EscalationTargetRef(user: target.id)
        }
    }
}
