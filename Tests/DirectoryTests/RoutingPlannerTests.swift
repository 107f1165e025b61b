// Seeds 000, 001 and 002 over the example configuration: which users, which channels, in which order, for each alert.
import Config
import Contracts
import Directory
import Foundation
import Testing

struct RoutingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var severity: Severity = .error
    var category: String?
    var type: String?
    var service: String?
    var withoutTwilio = false
    var route: String?
    var origin: TargetOrigin
    var slackChannel: String?
    var expected: [String]
    var testDescription: String { name }
}

let routingCases: [RoutingCase] = [
    RoutingCase(name: "finance invoice_overdue: route roles, route channels each, Slack once to #finance",
                category: "finance", type: "invoice_overdue", route: "finance-invoice-overdue", origin: .route, slackChannel: "#finance",
                expected: ["alice:in_app+email+sms"]),
    RoutingCase(name: "production with a service: incident targeting, route channels, the service's Slack channel",
                severity: .critical, category: "production", service: "press-line", route: "production-all", origin: .targeting,
                slackChannel: "#press-line", expected: ["carol:in_app", "bob:in_app"]),
    RoutingCase(name: "production without a service: Slack goes to each user with a Slack address",
                severity: .critical, category: "production", route: "production-all", origin: .targeting,
                expected: ["carol:in_app", "bob:in_app+slack"]),
    RoutingCase(name: "disabled route: incident targeting, users' own lists and modes (carol first_available, bob all)",
                category: "sales", type: "deal_lost", origin: .targeting, expected: ["carol:whatsapp>email", "bob:sms+email"]),
    RoutingCase(name: "info alert: carol's min_severity warning leaves her out",
                severity: .info, category: "sales", type: "deal_lost", origin: .targeting, expected: ["bob:sms+email"]),
    RoutingCase(name: "no route: the alert's service owners after the priority users, viewers and opt-outs left out",
                severity: .warning, service: "press-line", origin: .targeting, expected: ["carol:whatsapp>email", "bob:sms+email"]),
    RoutingCase(name: "Twilio secrets unset: SMS and WhatsApp are not available for first_available nor all",
                category: "sales", type: "deal_lost", withoutTwilio: true, origin: .targeting, expected: ["carol:email", "bob:email"]),
    RoutingCase(name: "Twilio secrets unset on a route: the route's SMS is skipped",
                category: "finance", type: "invoice_overdue", withoutTwilio: true, route: "finance-invoice-overdue", origin: .route,
                slackChannel: "#finance", expected: ["alice:in_app+email"]),
]

@Test(arguments: routingCases)
func routesTheExampleAlerts(_ row: RoutingCase) {
    var environment = ExampleDirectory.allSecrets
    if row.withoutTwilio { environment["TWILIO_ACCOUNT_SID"] = nil }
    let directory = ExampleDirectory.directory(environment: environment)
    let alert = ExampleDirectory.alert(severity: row.severity, category: row.category, type: row.type, service: row.service)
    let plan = RoutingPlanner.plan(alert: alert, tenant: directory, now: alert.createdAt)
    #expect(plan.route == row.route)
    #expect(plan.origin == row.origin)
    #expect(plan.slackChannel == row.slackChannel)
    #expect(plan.summary == row.expected)
    #expect(plan.undeliverable.isEmpty)
}

@Test func theRoutesPriorityTravelsWithThePlan() {
    let directory = ExampleDirectory.directory()
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(category: "finance", type: "invoice_overdue"), tenant: directory, now: Date())
    #expect(plan.priority == .high)
}

@Test func globexsEmptyMatchTakesEveryAlert() {
    let directory = ExampleDirectory.directory("globex")
    for (category, type) in [("finance", "invoice_overdue"), ("anything", nil), (nil, nil)] as [(String?, String?)] {
        let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(tenant: "globex", category: category, type: type), tenant: directory, now: Date())
        #expect(plan.route == "everything")
        #expect(plan.summary == ["gina:in_app+sms"])
    }
}

@Test func theFirstEnabledMatchInFileOrderWins() throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: u1, roles: [admin, a], email: u1@example.test}
              - {id: u2, roles: [b], email: u2@example.test}
              - {id: u3, roles: [c], email: u3@example.test}
            routes:
              - {id: off, match: {category: x, type: y}, target_roles: [c], enabled: false}
              - {id: broad, match: {category: x}, target_roles: [a]}
              - {id: narrow, match: {category: x, type: y}, target_roles: [b]}
              - {id: by-type, match: {type: z}, target_roles: [b]}
              - {id: rest, match: {}, target_roles: [c]}
        """)
    let directory = ExampleDirectory.directory("t", config: config)
    let table: [(String?, String?, String)] = [("x", "y", "broad"), ("x", nil, "broad"), ("q", "z", "by-type"), ("q", "y", "rest"), (nil, nil, "rest")]
    for (category, type, expected) in table {
        #expect(directory.route(category: category, type: type)?.id == expected, "category \(category ?? "-") type \(type ?? "-")")
    }
}

@Test func anAlertThatReachesNobodyGoesToTheAdminsAndSaysWhy() throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: boss, roles: [admin], email: boss@example.test}
              - {id: quiet, roles: [night], email: q@example.test, receive_incident_notifications: false}
            routes:
              - {id: night, match: {category: night}, target_roles: [night]}
        """)
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(tenant: "t", category: "night"), tenant: ExampleDirectory.directory("t", config: config),
                                   now: Date())
    #expect(plan.origin == .fallback)
    #expect(plan.summary == ["boss:email"])
    #expect(plan.note?.contains("route night targets nobody") == true)
}

@Test func aUserWithoutAUsableChannelIsRecordedNotSkipped() throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: boss, roles: [admin], email: boss@example.test}
              - {id: smsonly, roles: [ops], phone: "+15550001", channels: [sms]}
            routes:
              - {id: ops, match: {}, target_roles: [ops, admin]}
        """)
    var environment = ExampleDirectory.allSecrets
    environment["TWILIO_AUTH_TOKEN"] = nil
    let directory = ExampleDirectory.directory("t", environment: environment, config: config)
    let plan = RoutingPlanner.plan(alert: ExampleDirectory.alert(tenant: "t"), tenant: directory, now: Date())
    #expect(plan.summary == ["boss:email"])
    #expect(plan.undeliverable.map(\.user) == ["smsonly"])
    #expect(plan.undeliverable.first?.reason == "sms: not configured")
}

struct TargetingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var targeting: String
    var service: String?
    var expected: [String]
    var testDescription: String { name }
}

let targetingCases: [TargetingCase] = [
    TargetingCase(name: "users_with_services: the alert's service owners first, then other owners",
                  targeting: "{mode: users_with_services}", service: "billing", expected: ["bea", "al"]),
    TargetingCase(name: "priority users before everyone, in their order",
                  targeting: "{mode: users_with_services, priority_users: [cy, al]}", service: "billing", expected: ["cy", "al", "bea"]),
    TargetingCase(name: "all_members without viewers and opt-outs",
                  targeting: "{mode: all_members}", expected: ["al", "bea", "cy"]),
    TargetingCase(name: "all_members with viewers (opt-outs still out)",
                  targeting: "{mode: all_members, include_viewers: true}", expected: ["al", "bea", "cy", "vi"]),
    TargetingCase(name: "specific_users and specific_roles",
                  targeting: "{mode: specific_users, specific_users: [cy], specific_roles: [db]}", expected: ["cy", "bea"]),
    TargetingCase(name: "an opted-out priority user is still left out",
                  targeting: "{mode: specific_users, specific_users: [cy], priority_users: [out]}", expected: ["cy"]),
    TargetingCase(name: "a viewer among the priority users is left out",
                  targeting: "{mode: specific_users, specific_users: [cy], priority_users: [vi, bea]}", expected: ["bea", "cy"]),
    TargetingCase(name: "a viewer among the priority users is kept with include_viewers",
                  targeting: "{mode: specific_users, specific_users: [cy], priority_users: [vi], include_viewers: true}", expected: ["vi", "cy"]),
    TargetingCase(name: "specific_users alone, in their order, not the directory's",
                  targeting: "{mode: specific_users, specific_users: [cy, al]}", expected: ["cy", "al"]),
    TargetingCase(name: "specific_users naming a viewer: left out without include_viewers",
                  targeting: "{mode: specific_users, specific_users: [vi, bea]}", expected: ["bea"]),
]

@Test(arguments: targetingCases)
func incidentTargetingPicksPeopleByItsMode(_ row: TargetingCase) throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: al, roles: [admin], email: al@example.test}
              - {id: bea, roles: [db], email: bea@example.test}
              - {id: cy, roles: [dev], email: cy@example.test}
              - {id: vi, roles: [viewer], email: vi@example.test}
              - {id: out, roles: [dev], email: out@example.test, receive_incident_notifications: false}
            services:
              - {id: web, owners: [al]}
              - {id: billing, owners: [bea, al]}
            incident_targeting: \(row.targeting)
        """)
    let directory = ExampleDirectory.directory("t", config: config)
    let users = Targets.incident(for: ExampleDirectory.alert(tenant: "t", service: row.service), in: directory).map(\.id)
    #expect(users == row.expected)
}
