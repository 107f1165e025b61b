// Escalation steps resolved at the moment they are due: schedules (every active layer), team leads, roles, users;
// step channels override preferences; opt-outs never apply to a step.
import Config
import Contracts
import Directory
import Foundation
import Testing

struct StepCase: Sendable, CustomTestStringConvertible {
    var name: String
    var step: Int
    var at: String
    var targets: [EscalationTargetRef]? = nil
    var expected: [String]
    var testDescription: String { name }
}

let stepCases: [StepCase] = [
    StepCase(name: "step 1 on Monday in business hours: both layers, step channels [sms, push]", step: 0, at: "2026-11-02T10:00:00Z",
             expected: ["carol:sms", "alice:sms>push"]),
    StepCase(name: "step 1 on Saturday: the weekly layer only", step: 0, at: "2026-11-07T10:00:00Z", expected: ["carol:sms"]),
    StepCase(name: "step 1 one minute before the handover", step: 0, at: "2026-11-09T08:59:00Z", expected: ["carol:sms"]),
    StepCase(name: "step 1 at the handover: bob takes over, the backup starts", step: 0, at: "2026-11-09T09:00:00Z",
             expected: ["bob:sms", "alice:sms>push"]),
    StepCase(name: "step 1 at the end of business hours: the window is closed", step: 0, at: "2026-11-03T17:00:00Z", expected: ["carol:sms"]),
    StepCase(name: "step 2: the team's lead alone, on all of his channels", step: 1, at: "2026-11-02T10:15:00Z", expected: ["bob:sms+email"]),
    StepCase(name: "step 3: the admin role, with the user's own priority list", step: 2, at: "2026-11-02T10:30:00Z",
             expected: ["alice:push>sms>whatsapp>email"]),
    StepCase(name: "a step naming an opted-out user still reaches him", step: 0, at: "2026-11-02T10:00:00Z",
             targets: [EscalationTargetRef(user: "dan")], expected: ["dan:email"]),
]

@Test(arguments: stepCases)
func resolvesThePressLinePolicy(_ row: StepCase) throws {
    let directory = ExampleDirectory.directory()
    let policy = try #require(directory.tenant.policy(id: "press-default"))
    let configured = policy.steps[row.step]
    let step = EscalationStepTaken(alertId: "a1", level: row.step, cause: EscalationCause(kind: .policyStep, policy: policy.id, step: row.step + 1),
                                   targets: row.targets ?? configured.targets.map(Targets.reference),
                                   channels: row.targets == nil ? configured.channels?.map(\.rawValue) : nil,
                                   dueAt: ExampleDirectory.date(row.at))
    let plan = RoutingPlanner.plan(step: step, alert: ExampleDirectory.alert(), tenant: directory, now: ExampleDirectory.date(row.at))
    #expect(plan.origin == .escalation)
    #expect(plan.summary == row.expected)
}

@Test func onlyLeadOnATeamWithoutALeadNotifiesTheWholeTeam() throws {
    let config = try ExampleDirectory.custom("""
          - id: t
            users:
              - {id: a, email: a@example.test}
              - {id: b, email: b@example.test}
            incident_targeting: {mode: all_members}
            teams:
              - {id: led, members: [a, b], lead: b}
              - {id: flat, members: [a, b]}
        """)
    let directory = ExampleDirectory.directory("t", config: config)
    #expect(Targets.resolve(EscalationTargetRef(team: "led", onlyLead: true), in: directory, at: Date()).map(\.id) == ["b"])
    #expect(Targets.resolve(EscalationTargetRef(team: "led"), in: directory, at: Date()).map(\.id) == ["a", "b"])
    #expect(Targets.resolve(EscalationTargetRef(team: "flat", onlyLead: true), in: directory, at: Date()).map(\.id) == ["a", "b"])
    #expect(Targets.resolve(EscalationTargetRef(team: "none"), in: directory, at: Date()).isEmpty)
}
