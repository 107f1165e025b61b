// The pending escalations in SQLite: one transaction per event and per due batch, overdue steps fire once after a restart.
import Config
import Contracts
import Escalator
import Foundation
import GRDB
import Store
import Testing
import TestSupport

private func openBook(_ path: String, tenant: Tenant) throws -> EscalationBook {
    let store = try Store(path: path, migrations: EscalationRecords.migrations)
    return EscalationBook(store: store, rules: EscalationRules(), topics: Topics(root: "alerting"), source: "alerting/escalator",
                          tenant: { $0 == tenant.id ? tenant : nil })
}

private func trigger(_ book: EscalationBook, _ alert: Alert, id: String = "event-1", kind: AlertEvent.Kind = .triggered,
                     reason: String? = nil, now: Date) throws -> [OutboxMessage] {
    try book.store.write { db in
        var rows: [OutboxMessage] = []
        let envelope = Envelope(id: id, source: "alerting/ingest", tenant: "acme", time: now,
                                data: AlertEvent(kind: kind, alert: alert, by: "alice", reason: reason))
        try book.apply(envelope, db, now: now) { step, topic in
            rows.append(try Outbox.enqueue(db, topic: topic, payload: try step.encoded()))
        }
        return rows
    }
}

/// Fires until nothing is due, like the timer loop (a step made due by another fires in the next transaction).
private func fireAll(_ book: EscalationBook, now: Date) throws -> (published: [OutboxMessage], fired: Int) {
    var all: (published: [OutboxMessage], fired: Int) = ([], 0)
    while true {
        let batch = try book.fireDue(now: now)
        guard batch.fired > 0 else { return all }
        all.published += batch.published
        all.fired += batch.fired
    }
}

private func steps(_ rows: [OutboxMessage]) throws -> [Envelope<EscalationStepTaken>] {
    try rows.map { try Envelope<EscalationStepTaken>.decode($0.payload) }
}

@Suite struct EscalationBookTests {
    @Test func overdueStepsFireOnceAfterARestartAndFutureOnesKeepTheirTimes() throws {
        let directory = temporaryDirectory("escalation-book")
        let path = directory.appendingPathComponent("escalator.sqlite").path
        let tenant = try Fixture.tenant(routes: "      - {id: none, match: {category: nothing}}", policyRepeat: 1)
        let t0 = Fixture.t0
        var book = try openBook(path, tenant: tenant)
        #expect(try trigger(book, Fixture.alert(service: "press"), now: t0).isEmpty)
        #expect(try book.nextDue() == t0, "the first step is due at once")

        let first = try book.fireDue(now: t0)
        #expect(first.fired == 1)
        let firstSteps = try steps(first.published)
        #expect(firstSteps.map(\.data.cause.step) == [1])
        #expect(first.published.first?.topic == "alerting/escalations/acme/a1")
        #expect(try book.fireDue(now: t0.addingTimeInterval(60)).fired == 0, "nothing more before 15m")

        // "Restart" 40 minutes later: a new store on the same file; steps 2 (15m) and 3 (30m) are overdue.
        book = try openBook(path, tenant: tenant)
        let later = t0.addingTimeInterval(40 * 60)
        let overdue = try fireAll(book, now: later)
        #expect(try steps(overdue.published).map(\.data.cause.step) == [2, 3])
        #expect(try steps(overdue.published).map(\.data.dueAt) == [t0.addingTimeInterval(15 * 60), t0.addingTimeInterval(30 * 60)],
                "a late step still says when it was due")
        #expect(try book.fireDue(now: later).fired == 0, "fired once, not twice")
        #expect(try book.nextDue() == t0.addingTimeInterval(45 * 60), "the repeat keeps its time")

        // Ids derive from the alert and the timer: the same step always has the same message id.
        let ids = (firstSteps + (try steps(overdue.published))).map(\.id)
        #expect(Set(ids).count == 3)
        #expect(ids[0] == MessageID.derived("a1", "policy_step/0/0"))

        // The attention log has the trigger and each step with whom it named.
        let log = try book.attentionLog(alertID: "a1")
        #expect(log.map(\.kind) == [.triggered, .step, .step, .step])
        #expect(log[1].targets == [EscalationTargetRef(schedule: "primary")])
    }

    @Test func acknowledgeDeletesThePendingRowsAndManualEscalationPublishesInTheEventTransaction() throws {
        let directory = temporaryDirectory("escalation-book-ack")
        let tenant = try Fixture.tenant(policyRepeat: 2)
        let book = try openBook(directory.appendingPathComponent("escalator.sqlite").path, tenant: tenant)
        let t0 = Fixture.t0
        _ = try trigger(book, Fixture.alert(service: "press"), now: t0)
        #expect(try book.store.read { try EscalationRecords.timers($0, alertID: "a1") }.count == 3, "policy, route role, expiry")
        let manual = try trigger(book, Fixture.alert(service: "press"), id: "event-2", kind: .escalated, reason: "line down", now: t0.addingTimeInterval(5))
        let step = try #require(try steps(manual).first)
        #expect(step.data.cause.kind == .manual && step.data.reason == "line down" && step.data.by == "alice")
        #expect(step.id == MessageID.derived("a1", "manual/event-2"))
        var acknowledged = Fixture.alert(service: "press")
        acknowledged.status = .acknowledged
        _ = try trigger(book, acknowledged, id: "event-3", kind: .acknowledged, now: t0.addingTimeInterval(10))
        #expect(try book.store.read { try EscalationRecords.pendingCount($0) } == 0)
        #expect(try book.state(alertID: "a1")?.status == .acknowledged)
        #expect(try book.fireDue(now: t0.addingTimeInterval(86_400)).fired == 0)
        #expect(try book.attentionLog(alertID: "a1").map(\.kind) == [.triggered, .manual, .acknowledged])
    }

    @Test func theTimerLoopSleepsUntilTheNextDueTimeAndIsWokenByNewTimers() async throws {
        let directory = temporaryDirectory("escalation-loop")
        let tenant = try Fixture.tenant(routes: "      - {id: none, match: {category: nothing}}", policyRepeat: 0)
        let book = try openBook(directory.appendingPathComponent("escalator.sqlite").path, tenant: tenant)
        let clock = ManualEscalationClock(now: Fixture.t0)
        let loop = TimerLoop(book: book, clock: clock, relay: nil, health: nil, logger: .init(label: "test"))
        let task = Task { try await loop.run() }
        defer { task.cancel() }
        func outboxCount() throws -> Int { try book.store.read { try Outbox.count($0) } }
        func waitFor(_ count: Int) async throws {
            // Generous: with the whole suite running on two cores the loop's task may wait a while for a thread.
            let deadline = Date().addingTimeInterval(30)
            while try outboxCount() < count {
                guard Date() < deadline else { throw ServiceProcessError(message: "outbox has \(try outboxCount()) of \(count)") }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
        }
        _ = try trigger(book, Fixture.alert(service: "press"), now: clock.now)
        loop.wake()
        try await waitFor(1)
        clock.advance(by: 14 * 60)
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(try outboxCount() == 1, "nothing before the 15-minute step")
        clock.advance(by: 60)
        try await waitFor(2)
        clock.advance(by: 14 * 24 * 3600)
        try await waitFor(3)
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(try outboxCount() == 3, "three steps, each once")
        #expect(try book.state(alertID: "a1")?.status == .expired, "two weeks later nobody is left")
    }

    @Test func theBenchmarkCanFillTheStoreWithPendingEscalations() throws {
        let directory = temporaryDirectory("escalation-bulk")
        let store = try Store(path: directory.appendingPathComponent("escalator.sqlite").path, migrations: EscalationRecords.migrations)
        try EscalationRecords.createPending(in: store, count: 5_000, tenant: "acme", service: "press", firstDue: Fixture.t0, spacing: 1, batch: 1_000)
        #expect(try store.read { try EscalationRecords.pendingCount($0) } == 5_000)
        #expect(try store.read { try EscalationRecords.nextDue($0) } == Fixture.t0)
        let tenant = try Fixture.tenant(routes: "      - {id: none, match: {category: nothing}}", policyRepeat: 0)
        let book = EscalationBook(store: store, rules: EscalationRules(), topics: Topics(root: "alerting"), source: "alerting/escalator",
                                  tenant: { _ in tenant })
        let fired = try book.fireDue(now: Fixture.t0.addingTimeInterval(9))
        #expect(fired.fired == 10)
        #expect(fired.published.count == 10, "each due escalation publishes its step")
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT alert_id FROM escalation_timers WHERE due_at <= 1 ORDER BY due_at LIMIT 5")
                .map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.joined().contains("escalation_timers_due"), "due timers are found through the index")
    }
}
