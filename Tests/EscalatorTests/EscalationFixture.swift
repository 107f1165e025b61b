// A tenant and alerts for the escalation tests, and a driver that runs the rules against a manual clock.
import Config
import Contracts
import Escalator
import Foundation

enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func tenant(_ extra: String = "", routes: String? = nil, deadline: String = "", policyRepeat: Int = 1) throws -> Tenant {
        let yaml = """
        tenants:
          - id: acme
            users:
              - {id: alice, roles: [admin, ceo, workstream_lead, program_owner, platform_admin]}
              - {id: bob, roles: [ops]}
            teams:
              - {id: ops, members: [bob], lead: bob}
            schedules:
              - id: primary
                time_zone: UTC
                layers:
                  - {name: l1, users: [bob], rotation: 1d, start: "2026-01-01T00:00:00Z"}
            services:
              - {id: press, escalation_policy: press-default}
              - {id: plain}
            escalation_policies:
              - id: press-default
                repeat: \(policyRepeat)
                steps:
                  - {after: 0m, targets: [{schedule: primary}], channels: [sms, push]}
                  - {after: 15m, targets: [{team: ops, only_lead: true}]}
                  - {after: 30m, targets: [{role: admin}]}
            routes:
        \(routes ?? """
              - {id: finance, match: {category: finance}, escalate_to_role: admin, escalate_after: 60m, escalate_to_top_after: 120m, deadline_thresholds: [25, 50, 90]}
              - {id: off, match: {category: sales}, escalate_to_role: admin, enabled: false}
              - {id: everything, escalate_to_role: ops}
        """)
            top_roles: [ceo]
        \(deadline)
        \(extra)
        """
        do {
            let config = try ConfigLoader.parse(yaml: yaml)
            return config.tenants[0]
        } catch {
            throw FixtureError(message: "\(error)\n\(yaml)")
        }
    }

    struct FixtureError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func alert(_ id: String = "a1", service: String? = nil, category: String? = nil, deadline: Date? = nil,
                      details: [String: JSONValue] = [:], created: Date = t0) -> Alert {
        Alert(id: id, tenant: "acme", dedupKey: id, severity: .critical, summary: "Press 4 stopped", category: category,
              service: service, deadline: deadline, details: details, createdAt: created)
    }
}

/// Runs the rules like the escalator does, with time that moves only when told: every timer due by a time fires in order.
struct Simulation {
    let rules: EscalationRules
    let tenant: Tenant?
    let clock: ManualEscalationClock
    var state: AlertEscalation?
    var steps: [EscalationStepTaken] = []
    var stepKeys: [String] = []
    var log: [AttentionEntry] = []
    private var events = 0

    init(rules: EscalationRules = EscalationRules(), tenant: Tenant?, start: Date = Fixture.t0) {
        self.rules = rules
        self.tenant = tenant
        clock = ManualEscalationClock(now: start)
    }

    mutating func send(_ kind: AlertEvent.Kind, _ alert: Alert, by: String? = nil, reason: String? = nil) {
        events += 1
        var alert = alert
        if kind == .acknowledged { alert.status = .acknowledged }
        if kind == .resolved { alert.status = .resolved }
        take(rules.apply(AlertEvent(kind: kind, alert: alert, by: by, reason: reason), eventID: "e\(events)", to: state, tenant: tenant, now: clock.now))
    }

    /// Fires every timer due up to `date`, earliest first, moving the clock to each due time (late by `lateness`).
    mutating func run(until date: Date, lateness: TimeInterval = 0) {
        while let state, let timer = state.timers.min(by: { $0.dueAt < $1.dueAt }), timer.dueAt.addingTimeInterval(lateness) <= date {
            clock.advance(to: timer.dueAt.addingTimeInterval(lateness))
            take(rules.fire(timer, in: state, tenant: tenant, now: clock.now))
        }
        clock.advance(to: date)
    }

    mutating func run(for seconds: TimeInterval) { run(until: clock.now.addingTimeInterval(seconds)) }

    private mutating func take(_ outcome: EscalationOutcome) {
        state = outcome.state
        steps += outcome.steps.map(\.step)
        stepKeys += outcome.steps.map(\.key)
        log += outcome.log
    }

    var offsets: [TimeInterval] { steps.map { $0.dueAt.timeIntervalSince(Fixture.t0) } }
    var kinds: [EscalationCause.Kind] { steps.map(\.cause.kind) }
}
