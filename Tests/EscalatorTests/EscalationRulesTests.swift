// The escalation rules, one by one, against a manual clock: weeks of escalation run in milliseconds.
import Config
import Contracts
import Escalator
import Foundation
import Testing

private let noRoutes = "      - {id: none, match: {category: nothing}}"
private let minute: TimeInterval = 60
private let hour: TimeInterval = 3600
private let day: TimeInterval = 86_400

@Suite struct PolicyRules {
    @Test func stepsFireFromTheStartOfTheChainAndTheChainRepeats() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes, policyRepeat: 1))
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.run(for: 3 * hour)
        // Steps at 0, 15m, 30m; a cycle is 30m + the last gap (15m), so the repeat starts at 45m.
        #expect(sim.offsets == [0, 15, 30, 45, 60, 75].map { $0 * minute })
        #expect(sim.kinds == Array(repeating: .policyStep, count: 6))
        #expect(sim.steps.map(\.level) == [0, 1, 2, 0, 1, 2])
        #expect(sim.steps.map(\.cause.step) == [1, 2, 3, 1, 2, 3])
        #expect(sim.steps.map(\.cause.repeatNumber) == [0, 0, 0, 1, 1, 1])
        #expect(sim.steps[0].targets == [EscalationTargetRef(schedule: "primary")])
        #expect(sim.steps[0].channels == ["sms", "push"], "a step's channels override the users' own")
        #expect(sim.steps[1].targets == [EscalationTargetRef(team: "ops", onlyLead: true)])
        #expect(sim.steps[1].channels == nil)
        #expect(sim.steps[2].targets == [EscalationTargetRef(role: "admin")])
        #expect(sim.steps[0].nextDueAt == Fixture.t0.addingTimeInterval(15 * minute))
        #expect(sim.steps[5].nextDueAt == nil, "nothing is left after the last repeat")
        #expect(Set(sim.stepKeys).count == 6, "every step has its own key, so its own message id")
        #expect(sim.state?.status == .escalated)
        #expect(sim.state?.level == 2)
    }

    @Test func anAcknowledgementBetweenStepsStopsEverythingAtOnce() throws {
        var sim = Simulation(tenant: try Fixture.tenant(policyRepeat: 3))
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.run(for: 20 * minute)
        #expect(sim.steps.count == 2)
        sim.send(.acknowledged, Fixture.alert(service: "press"), by: "bob")
        #expect(sim.state?.status == .acknowledged)
        #expect(sim.state?.timers == [], "policy, route and expiry timers are gone")
        sim.run(for: 30 * day)
        #expect(sim.steps.count == 2)
        #expect(sim.log.last { $0.kind == .acknowledged }?.by == "bob")
    }

    @Test func aResolveArrivingWhenAStepIsDueCancelsIt() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.run(until: Fixture.t0.addingTimeInterval(15 * minute - 1))
        let before = try #require(sim.state)
        let due = try #require(before.timers.first { $0.kind == .policyStep })
        sim.clock.advance(to: due.dueAt)
        sim.send(.resolved, Fixture.alert(service: "press"))
        #expect(sim.state?.status == .resolved)
        #expect(sim.state?.timers == [])
        // A timer read before the resolve committed fires into a resolved state: nothing happens.
        let stale = EscalationRules().fire(due, in: try #require(sim.state), tenant: sim.tenant, now: due.dueAt)
        #expect(stale.steps.isEmpty)
        sim.run(for: 30 * day)
        #expect(sim.steps.count == 1)
    }

    @Test func aRedeliveredTriggerDoesNotRestartTheChain() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.run(for: 20 * minute)
        let timers = sim.state?.timers
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.send(.updated, Fixture.alert(service: "press"))
        #expect(sim.state?.timers == timers)
        sim.run(for: 2 * hour)
        #expect(sim.steps.count == 6)
    }
}

@Suite struct RouteRules {
    @Test func roleAfterEscalateAfterThenTopRoles() throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        sim.send(.triggered, Fixture.alert(category: "finance"))
        sim.run(for: 3 * hour)
        #expect(sim.kinds == [.routeRole, .top])
        #expect(sim.offsets == [60 * minute, 120 * minute])
        #expect(sim.steps.map(\.level) == [1, 2])
        #expect(sim.steps[0].targets == [EscalationTargetRef(role: "admin")])
        #expect(sim.steps[1].targets == [EscalationTargetRef(role: "ceo")])
        #expect(sim.steps[0].cause.policy == "finance", "the cause names the route")
        #expect(sim.steps[0].nextDueAt == Fixture.t0.addingTimeInterval(120 * minute))
    }

    /// Two channel rules: a route's escalations page on each of the route's channels; policy steps, deadline
    /// levels and notices take the first available.
    @Test(arguments: [
        ("route role and top", "finance", nil as String?, "2026-12-01T00:00:00Z" as String?, [EscalationCause.Kind.routeRole: "all", .top: "all"]),
        ("policy steps", nil, "press", nil, [.policyStep: nil]),
        ("deadline levels", nil, "plain", "2026-01-01T00:00:00Z", [.deadlineThreshold: nil]),
    ] as [(String, String?, String?, String?, [EscalationCause.Kind: String?])])
    func aRouteEscalationPagesOnEveryChannelOthersTakeTheFirstAvailable(
        _ name: String, _ category: String?, _ service: String?, _ deadline: String?, _ expected: [EscalationCause.Kind: String?]) throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        let due = deadline.flatMap(RFC3339.date(from:)).map { max($0, Fixture.t0.addingTimeInterval(4 * hour)) }
        sim.send(.triggered, Fixture.alert(service: service, category: category, deadline: category == nil ? due : nil))
        sim.run(for: 3 * hour)
        for step in sim.steps where expected.keys.contains(step.cause.kind) {
            #expect(step.channelMode == expected[step.cause.kind]!, "\(name): \(step.cause.kind)")
        }
        #expect(sim.steps.contains { expected.keys.contains($0.cause.kind) }, "\(name)")
    }

    @Test func aManualEscalationToTheRoutesRolePagesOnEveryChannelToo() throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        sim.send(.triggered, Fixture.alert(category: "finance"))
        sim.send(.escalated, Fixture.alert(category: "finance"), by: "bob", reason: "urgent")
        #expect(sim.steps.map(\.channelMode) == ["all"])
        var policy = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        policy.send(.triggered, Fixture.alert(service: "press"))
        policy.send(.escalated, Fixture.alert(service: "press"), by: "bob", reason: "urgent")
        #expect(policy.steps.last?.cause.kind == .manual && policy.steps.last?.channelMode == nil, "a policy's step: first available")
    }

    @Test func theFirstEnabledMatchingRouteDecides() throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        sim.send(.triggered, Fixture.alert(category: "sales"))
        sim.run(for: 3 * hour)
        // The sales route is disabled: the catch-all route's role (default escalate_after 60m) applies.
        #expect(sim.kinds == [.routeRole])
        #expect(sim.offsets == [60 * minute])
        #expect(sim.steps[0].targets == [EscalationTargetRef(role: "ops")])
    }

    @Test func anAcknowledgementBeforeTheRoleEscalationStopsIt() throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        sim.send(.triggered, Fixture.alert(category: "finance"))
        sim.run(for: 59 * minute)
        sim.send(.acknowledged, Fixture.alert(category: "finance"), by: "alice")
        sim.run(for: 10 * day)
        #expect(sim.steps.isEmpty)
        #expect(sim.state?.status == .acknowledged)
    }
}

@Suite struct DeadlineRules {
    static let tenDays = Fixture.t0.addingTimeInterval(10 * day)

    @Test func defaultThresholdsFireLevelsOneToThreeOnce() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(deadline: Self.tenDays))
        sim.run(for: 20 * day)
        #expect(sim.kinds == [.deadlineThreshold, .deadlineThreshold, .deadlineThreshold])
        #expect(sim.offsets == [5 * day, 7.5 * day, 9 * day])
        #expect(sim.steps.map(\.cause.percent) == [50, 75, 90])
        #expect(sim.steps.map(\.level) == [1, 2, 3])
        #expect(sim.steps[0].targets == [EscalationTargetRef(role: "workstream_lead")])
        #expect(sim.steps[2].targets == [EscalationTargetRef(role: "platform_admin"), EscalationTargetRef(role: "program_owner")])
    }

    @Test func theAlertOverridesTheRouteWhichOverridesTheTenant() throws {
        let tenant = try Fixture.tenant(deadline: "    deadline_escalation: {thresholds: [10, 20]}")
        var perAlert = Simulation(tenant: tenant)
        perAlert.send(.triggered, Fixture.alert(category: "finance", deadline: Self.tenDays,
                                                details: ["deadline_thresholds": .array([.number(40), .number(60)])]))
        perAlert.run(for: 20 * day)
        #expect(perAlert.steps.filter { $0.cause.kind == .deadlineThreshold }.map(\.cause.percent) == [40, 60])

        var perRoute = Simulation(tenant: tenant)
        perRoute.send(.triggered, Fixture.alert(category: "finance", deadline: Self.tenDays))
        perRoute.run(for: 20 * day)
        #expect(perRoute.steps.filter { $0.cause.kind == .deadlineThreshold }.map(\.cause.percent) == [25, 50, 90])

        var perTenant = Simulation(tenant: tenant)
        perTenant.send(.triggered, Fixture.alert(category: "production", deadline: Self.tenDays))
        perTenant.run(for: 20 * day)
        let tenantSteps = perTenant.steps.filter { $0.cause.kind == .deadlineThreshold }
        #expect(tenantSteps.map(\.cause.percent) == [10, 20])
        #expect(tenantSteps.map { $0.dueAt.timeIntervalSince(Fixture.t0) } == [1 * day, 2 * day])
    }

    @Test func aDeadlineAlreadyPastGetsTheHighestLevelAtOnce() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(deadline: Fixture.t0.addingTimeInterval(-hour)))
        sim.run(until: Fixture.t0)
        #expect(sim.steps.count == 1)
        #expect(sim.steps.first?.level == 3)
        #expect(sim.steps.first?.cause.percent == 90)
        sim.run(for: 30 * day)
        #expect(sim.steps.count == 1, "each threshold fires once")
    }

    @Test func thresholdsPassedBeforeTheEscalatorSawTheAlertAreNotReplayed() throws {
        // Created at t0 with a 10 h deadline, seen at 8 h (50 % and 75 % passed): only 75 % fires, then 90 % at 9 h.
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes), start: Fixture.t0.addingTimeInterval(8 * hour))
        sim.send(.triggered, Fixture.alert(deadline: Fixture.t0.addingTimeInterval(10 * hour)))
        sim.run(until: sim.clock.now)
        #expect(sim.steps.map(\.cause.percent) == [75])
        #expect(sim.steps.map(\.level) == [2])
        sim.run(for: 5 * hour)
        #expect(sim.steps.map(\.cause.percent) == [75, 90])
    }

    @Test func noticesGoOutBeforeTheDeadlineWithoutRaisingTheLevel() throws {
        let tenant = try Fixture.tenant(routes: noRoutes, deadline: """
            deadline_escalation:
              thresholds: [50]
              levels:
                1: {roles: [workstream_lead], channels: [sms]}
              notify_before: [30m, 2h]
        """)
        var sim = Simulation(tenant: tenant)
        sim.send(.triggered, Fixture.alert(deadline: Fixture.t0.addingTimeInterval(10 * hour)))
        sim.run(for: 1 * day)
        #expect(sim.kinds == [.deadlineThreshold, .deadlineNotice, .deadlineNotice])
        #expect(sim.offsets == [5 * hour, 8 * hour, 9.5 * hour])
        #expect(sim.steps.compactMap(\.reason) == ["deadline in 2h", "deadline in 30m"])
        #expect(sim.steps[1].level == 1, "a notice keeps the level reached")
        #expect(sim.steps[1].channels == ["sms"])

        // A notice whose time passed before the alert arrived is not sent.
        var late = Simulation(tenant: tenant)
        late.send(.triggered, Fixture.alert(deadline: Fixture.t0.addingTimeInterval(1 * hour)))
        late.run(for: 1 * day)
        #expect(late.steps.filter { $0.cause.kind == .deadlineNotice }.compactMap(\.reason) == ["deadline in 30m"])
    }

    @Test func acknowledgeDoesNotStopDeadlineEscalationByDefault() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(deadline: Self.tenDays))
        sim.run(for: 6 * day)
        sim.send(.acknowledged, Fixture.alert(deadline: Self.tenDays), by: "bob")
        sim.run(for: 10 * day)
        #expect(sim.steps.map(\.cause.percent) == [50, 75, 90])
        #expect(sim.state?.status == .acknowledged)
    }

    @Test func stopOnAcknowledgeStopsIt() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes, deadline: "    deadline_escalation: {stop_on: acknowledge}"))
        sim.send(.triggered, Fixture.alert(deadline: Self.tenDays))
        sim.run(for: 6 * day)
        sim.send(.acknowledged, Fixture.alert(deadline: Self.tenDays), by: "bob")
        sim.run(for: 10 * day)
        #expect(sim.steps.map(\.cause.percent) == [50])
    }

    @Test func resolveStopsItWhateverStopOnSays() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(deadline: Self.tenDays))
        sim.run(for: 6 * day)
        sim.send(.resolved, Fixture.alert(deadline: Self.tenDays))
        sim.run(for: 10 * day)
        #expect(sim.steps.map(\.cause.percent) == [50])
    }
}

@Suite struct ManualAndExpiryRules {
    @Test func aManualEscalationRaisesTheLevelAtOnceWithWhoAndWhy() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(service: "press"))
        sim.run(for: 1 * minute)
        sim.send(.escalated, Fixture.alert(service: "press"), by: "alice", reason: "customer on the phone")
        #expect(sim.steps.count == 2)
        let manual = try #require(sim.steps.last)
        #expect(manual.cause.kind == .manual)
        #expect(manual.level == 1)
        #expect(manual.by == "alice" && manual.reason == "customer on the phone")
        #expect(manual.dueAt == sim.clock.now)
        #expect(manual.targets == [EscalationTargetRef(team: "ops", onlyLead: true)], "the policy's step of that level")
        #expect(manual.nextDueAt == Fixture.t0.addingTimeInterval(15 * minute))
        sim.send(.escalated, Fixture.alert(service: "press"), by: "alice", reason: "still down")
        #expect(sim.steps.last?.level == 2)
        #expect(sim.steps.last?.targets == [EscalationTargetRef(role: "admin")])
        #expect(sim.state?.status == .escalated)
        let entries = sim.log.filter { $0.kind == .manual }
        #expect(entries.map(\.reason) == ["customer on the phone", "still down"])
        #expect(entries.map(\.by) == ["alice", "alice"])
        #expect(Set(sim.stepKeys).count == 3)
    }

    @Test func aManualEscalationWithoutAPolicyGoesToTheRouteThenTheTop() throws {
        var sim = Simulation(tenant: try Fixture.tenant())
        sim.send(.triggered, Fixture.alert(category: "finance"))
        sim.send(.escalated, Fixture.alert(category: "finance"), by: "bob", reason: "urgent")
        sim.send(.escalated, Fixture.alert(category: "finance"), by: "bob", reason: "more urgent")
        #expect(sim.steps.map(\.targets) == [[EscalationTargetRef(role: "admin")], [EscalationTargetRef(role: "ceo")]])
    }

    @Test func anAlertWithNobodyToEscalateToExpiresAtTheHorizon() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(service: "plain"))
        #expect(sim.state?.status == .pending)
        sim.run(for: 7 * day - 1)
        #expect(sim.state?.status == .pending)
        sim.run(for: 1)
        #expect(sim.state?.status == .expired)
        #expect(sim.steps.isEmpty)
        #expect(sim.log.last?.kind == .expired)
        #expect(sim.log.last?.reason == "open for 7d with nobody left to escalate to")
    }

    @Test func expiryWaitsForTheLastPendingEscalation() throws {
        var sim = Simulation(rules: EscalationRules(horizon: hour), tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(deadline: Fixture.t0.addingTimeInterval(2 * day)))
        sim.run(for: 1.5 * day)
        #expect(sim.state?.status == .escalated, "thresholds are still ahead")
        sim.run(for: 1 * day)
        #expect(sim.steps.map(\.cause.percent) == [50, 75, 90])
        #expect(sim.state?.status == .expired)
    }

    @Test func anAcknowledgedAlertDoesNotExpire() throws {
        var sim = Simulation(tenant: try Fixture.tenant(routes: noRoutes))
        sim.send(.triggered, Fixture.alert(service: "plain"))
        sim.send(.acknowledged, Fixture.alert(service: "plain"), by: "bob")
        sim.run(for: 30 * day)
        #expect(sim.state?.status == .acknowledged)
    }

    @Test func weeksOfEscalationRunInMilliseconds() throws {
        var sim = Simulation(tenant: try Fixture.tenant(policyRepeat: 50))
        sim.send(.triggered, Fixture.alert(service: "press", category: "finance", deadline: Fixture.t0.addingTimeInterval(21 * day)))
        let started = Date()
        sim.run(for: 8 * 7 * day)
        #expect(Date().timeIntervalSince(started) < 5, "no real waiting")
        #expect(sim.kinds.filter { $0 == .policyStep }.count == 3 * 51)
        #expect(sim.kinds.filter { $0 == .routeRole }.count == 1)
        #expect(sim.kinds.filter { $0 == .top }.count == 1)
        #expect(sim.steps.filter { $0.cause.kind == .deadlineThreshold }.map(\.cause.percent) == [25, 50, 90])
        #expect(sim.offsets == sim.offsets.sorted(), "steps come in time order")
        #expect(sim.state?.status == .expired, "after the last threshold and the horizon, nobody is left")
        #expect(sim.state?.level == 3)
    }

    @Test func aTenantRemovedFromTheConfigurationStopsEscalating() throws {
        let tenant = try Fixture.tenant(routes: noRoutes)
        var sim = Simulation(tenant: tenant)
        sim.send(.triggered, Fixture.alert(service: "press"))
        let state = try #require(sim.state)
        let timer = try #require(state.timers.first { $0.kind == .policyStep })
        let outcome = EscalationRules().fire(timer, in: state, tenant: nil, now: timer.dueAt)
        #expect(outcome.steps.isEmpty)
    }
}
