// The alert lifecycle state machine: dedup of repeats, acknowledge, resolve, escalate, note.
import Contracts
import Foundation
import Testing
@testable import Ingest

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

private func trigger(_ summary: String = "Press 4 stopped", severity: Severity = .critical) -> LifecycleCommand {
    .trigger(AlertIntake(dedupKey: "k", severity: severity, summary: summary, service: "press-line"))
}

private func changed(_ outcome: LifecycleOutcome) -> (Alert, AlertEvent)? {
    if case .changed(let alert, let event) = outcome { return (alert, event) }
    return nil
}

@Test func aFirstTriggerCreatesAnAlert() throws {
    let (alert, event) = try #require(changed(AlertLifecycle.apply(trigger(), to: nil, tenant: "acme", dedupKey: "k", newID: "a1", now: t0)))
    #expect(alert.id == "a1" && alert.tenant == "acme" && alert.status == .triggered && alert.count == 1)
    #expect(alert.createdAt == t0)
    #expect(event.kind == .triggered)
}

@Test func aRepeatOfAnOpenKeyUpdatesInsteadOfNotifying() throws {
    let (first, _) = try #require(changed(AlertLifecycle.apply(trigger(), to: nil, tenant: "acme", dedupKey: "k", newID: "a1", now: t0)))
    let later = t0.addingTimeInterval(60)
    let (second, event) = try #require(changed(AlertLifecycle.apply(trigger("Press 4 still stopped", severity: .error), to: first,
                                                                    tenant: "acme", dedupKey: "k", newID: "a2", now: later)))
    #expect(second.id == "a1", "same alert")
    #expect(second.count == 2 && second.lastSeenAt == later && second.createdAt == t0)
    #expect(second.summary == "Press 4 still stopped" && second.severity == .error)
    #expect(event.kind == .updated)
}

@Test func aTriggerAfterResolveOpensANewAlert() throws {
    let (first, _) = try #require(changed(AlertLifecycle.apply(trigger(), to: nil, tenant: "acme", dedupKey: "k", newID: "a1", now: t0)))
    let (resolved, _) = try #require(changed(AlertLifecycle.apply(.resolve(by: nil, via: "device"), to: first, tenant: "acme", dedupKey: "k", newID: "x", now: t0)))
    let (fresh, event) = try #require(changed(AlertLifecycle.apply(trigger(), to: resolved, tenant: "acme", dedupKey: "k", newID: "a2", now: t0)))
    #expect(fresh.id == "a2" && event.kind == .triggered && fresh.count == 1)
}

@Test func acknowledgeThenResolve() throws {
    let (alert, _) = try #require(changed(AlertLifecycle.apply(trigger(), to: nil, tenant: "acme", dedupKey: "k", newID: "a1", now: t0)))
    let ackAt = t0.addingTimeInterval(30)
    let (acked, ackEvent) = try #require(changed(AlertLifecycle.apply(.acknowledge(by: "bob", via: "slack"), to: alert, tenant: "acme",
                                                                     dedupKey: "k", newID: "x", now: ackAt)))
    #expect(acked.status == .acknowledged && acked.acknowledgedBy == "bob" && acked.acknowledgedAt == ackAt)
    #expect(ackEvent.kind == .acknowledged && ackEvent.by == "bob" && ackEvent.via == "slack")
    #expect(AlertLifecycle.apply(.acknowledge(by: "carol", via: nil), to: acked, tenant: "acme", dedupKey: "k", newID: "x", now: ackAt)
            == .unchanged("alert is acknowledged already"))
    let (resolved, resolveEvent) = try #require(changed(AlertLifecycle.apply(.resolve(by: "bob", via: "sms"), to: acked, tenant: "acme",
                                                                            dedupKey: "k", newID: "x", now: ackAt)))
    #expect(resolved.status == .resolved && resolved.resolvedBy == "bob" && !resolved.isOpen)
    #expect(resolveEvent.kind == .resolved)
    #expect(AlertLifecycle.apply(.resolve(by: nil, via: nil), to: resolved, tenant: "acme", dedupKey: "k", newID: "x", now: ackAt)
            == .unchanged("alert is resolved already"))
    #expect(AlertLifecycle.apply(.acknowledge(by: nil, via: nil), to: resolved, tenant: "acme", dedupKey: "k", newID: "x", now: ackAt)
            == .unchanged("alert is resolved"))
}

@Test func escalateAndNoteCarryTheirText() throws {
    let (alert, _) = try #require(changed(AlertLifecycle.apply(trigger(), to: nil, tenant: "acme", dedupKey: "k", newID: "a1", now: t0)))
    let (_, escalated) = try #require(changed(AlertLifecycle.apply(.escalate(by: "alice", via: "mqtt", reason: "line down for 1h"), to: alert,
                                                                  tenant: "acme", dedupKey: "k", newID: "x", now: t0)))
    #expect(escalated.kind == .escalated && escalated.reason == "line down for 1h" && escalated.by == "alice")
    let (_, noted) = try #require(changed(AlertLifecycle.apply(.note(by: "bob", via: nil, text: "on my way"), to: alert,
                                                              tenant: "acme", dedupKey: "k", newID: "x", now: t0)))
    #expect(noted.kind == .noted && noted.note == "on my way")
    #expect(AlertLifecycle.apply(.acknowledge(by: nil, via: nil), to: nil, tenant: "acme", dedupKey: "k", newID: "x", now: t0) == .unchanged("no such alert"))
}
