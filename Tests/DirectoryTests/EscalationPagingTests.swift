// The two channel rules of escalation steps side by side, steps whose targets are held by nobody, channels that were to
// be sent on and cannot be, and a route's priority against min_severity, over the example configuration.
import Config
import Contracts
import Directory
import Foundation
import Testing

struct PagingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var cause: EscalationCause.Kind
    var role: String
    var channelMode: String?
    var expected: [String]
    var testDescription: String { name }
}

let pagingCases: [PagingCase] = [
    PagingCase(name: "route role (admin): every channel of the route alice has an address for, Slack in #finance", cause: .routeRole,
               role: "admin", channelMode: "all", expected: ["alice:in_app+email+sms"]),
    PagingCase(name: "top (ceo): frank is paged on each route channel he has an address for", cause: .top, role: "ceo",
               channelMode: "all", expected: ["frank:in_app+email+sms"]),
    PagingCase(name: "a policy step or deadline level with the same channels: first available, the rest for failover",
               cause: .deadlineThreshold, role: "ceo", channelMode: nil, expected: ["frank:in_app>email>sms"]),
]

@Test(arguments: pagingCases)
func aRouteEscalationPagesOnEachChannel(_ row: PagingCase) {
    let directory = ExampleDirectory.directory()
    let alert = ExampleDirectory.alert(category: "finance", type: "invoice_overdue")
    let step = EscalationStepTaken(alertId: alert.id, level: 1, cause: EscalationCause(kind: row.cause, policy: "finance-invoice-overdue"),
                                   targets: [EscalationTargetRef(role: row.role)], channels: ["in_app", "email", "sms", "slack"],
                                   dueAt: alert.createdAt, channelMode: row.channelMode)
    let plan = RoutingPlanner.plan(step: step, alert: alert, tenant: directory, now: alert.createdAt)
    #expect(plan.summary == row.expected)
    #expect(plan.origin == .escalation)
    #expect(plan.priority == .high, "the route's priority travels with the escalation's dispatches")
    #expect(plan.slackChannel == nil, "the route's Slack post is updated in place, not posted again")
}

@Test func aDeadlineLevelHeldByNobodyGoesToTheAdminsWithWhy() {
    // globex keeps the default deadline levels: workstream_lead, program_owner, platform_admin, which nobody holds.
    let directory = ExampleDirectory.directory("globex")
    let alert = ExampleDirectory.alert(tenant: "globex")
    for (level, roles) in [(1, ["workstream_lead"]), (3, ["platform_admin", "program_owner"])] {
        let step = EscalationStepTaken(alertId: alert.id, level: level, cause: EscalationCause(kind: .deadlineThreshold, percent: 50),
                                       targets: roles.map { EscalationTargetRef(role: $0) }, dueAt: alert.createdAt)
        let plan = RoutingPlanner.plan(step: step, alert: alert, tenant: directory, now: alert.createdAt)
        #expect(plan.origin == .fallback)
        #expect(plan.summary == ["gina:sms>email"])
        #expect(plan.note == "escalation level \(level) (deadline threshold): \(roles.map { "role \($0)" }.joined(separator: ", ")) resolve to nobody: sent to the tenant's admins")
    }
}

@Test func aStepWhoseTargetsExistIsNotAFallback() {
    let directory = ExampleDirectory.directory()
    let step = EscalationStepTaken(alertId: "a1", level: 2, cause: EscalationCause(kind: .policyStep, policy: "press-default", step: 3),
                                   targets: [EscalationTargetRef(role: "admin")], dueAt: Date())
    let plan = RoutingPlanner.plan(step: step, alert: ExampleDirectory.alert(service: "press-line"), tenant: directory, now: Date())
    #expect(plan.origin == .escalation && plan.note == nil && plan.users == ["alice"])
}

struct UnusableCase: Sendable, CustomTestStringConvertible {
    var name: String
    var category: String
    var type: String?
    var withoutTwilio = false
    var expected: [String]
    var testDescription: String { name }
}

let unusableCases: [UnusableCase] = [
    UnusableCase(name: "a route's Slack for a user without a Slack address", category: "production",
                 expected: ["carol:slack:slack: no address"]),
    UnusableCase(name: "a route's SMS with the Twilio secret unset", category: "finance", type: "invoice_overdue", withoutTwilio: true,
                 expected: ["alice:sms:sms: not configured"]),
    UnusableCase(name: "every channel usable: nothing recorded", category: "finance", type: "invoice_overdue", expected: []),
]

@Test(arguments: unusableCases)
func aChannelThatCannotCarryTheAlertIsRecorded(_ row: UnusableCase) {
    var environment = ExampleDirectory.allSecrets
    if row.withoutTwilio { environment["TWILIO_ACCOUNT_SID"] = nil }
    let directory = ExampleDirectory.directory(environment: environment)
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(severity: .critical, category: row.category, type: row.type), tenant: directory,
                                   now: Date())
    #expect(plan.unusable.map { "\($0.user):\($0.channel):\($0.reason)" } == row.expected)
}

struct PriorityCase: Sendable, CustomTestStringConvertible {
    var name: String
    var priority: String
    var severity: Severity
    var expected: [String]
    var testDescription: String { name }
}

let priorityCases: [PriorityCase] = [
    PriorityCase(name: "critical: an info alert reaches carol (min_severity warning)", priority: "critical", severity: .info,
                 expected: ["carol", "bob"]),
    PriorityCase(name: "high: the same", priority: "high", severity: .info, expected: ["carol", "bob"]),
    PriorityCase(name: "normal: carol's min_severity holds", priority: "normal", severity: .info, expected: ["bob"]),
    PriorityCase(name: "low: carol's min_severity holds", priority: "low", severity: .info, expected: ["bob"]),
    PriorityCase(name: "normal, a warning: carol gets it", priority: "normal", severity: .warning, expected: ["carol", "bob"]),
]

@Test(arguments: priorityCases)
func aCriticalOrHighRouteBypassesMinSeverity(_ row: PriorityCase) throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: carol, roles: [dev], email: carol@example.test, min_severity: warning}
              - {id: bob, roles: [dev], email: bob@example.test}
              - {id: boss, roles: [admin], email: boss@example.test}
            routes:
              - {id: r, match: {}, target_roles: [dev], channels: [email], priority: \(row.priority)}
        """)
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(tenant: "t", severity: row.severity), tenant: ExampleDirectory.directory("t", config: config),
                                   now: Date())
    #expect(plan.users == row.expected)
}

@Test func theExampleCriticalProductionRouteReachesCarolWithAnInfoAlert() {
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(severity: .info, category: "production"), tenant: ExampleDirectory.directory(),
                                   now: Date())
    #expect(plan.route == "production-all" && plan.priority == .critical)
    #expect(plan.users.contains("carol"))
}
