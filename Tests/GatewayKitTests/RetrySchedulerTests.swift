// The retry scheduler over a real table: due jobs come back once, in (not_before, rowid) order, and a job scheduled
// before the point already read (a deferral recorded late, a short Retry-After) still comes back when due. An urgent
// dispatch is stored scheduled and comes back before all of them.
import Contracts
import Foundation
@testable import GatewayKit
import Store
import Testing
import TestSupport

@Suite struct RetrySchedulerTests {
    let store: Store
    let seqs: [String: Int64]

    init() throws {
        store = try Store(path: temporaryDirectory("retry-scheduler").appendingPathComponent("gateway.sqlite").path,
                          migrations: GatewayRecords.migrations)
        seqs = try store.write { db in
            var seqs: [String: Int64] = [:]
            for (index, name) in ["a", "b", "c", "d"].enumerated() {
                let dispatch = job(Int64(index)).dispatch
                let request = DispatchRequest(dispatchId: name, kind: dispatch.kind, event: dispatch.event, channel: dispatch.channel,
                                              recipient: dispatch.recipient, title: dispatch.title, body: dispatch.body,
                                              severity: dispatch.severity, alert: dispatch.alert)
                let envelope = try Envelope(id: name, source: "alerting/router", tenant: "acme", data: request).encoded()
                seqs[name] = try GatewayRecords.insert(db, request, tenant: "acme", envelope: envelope, at: Date())!.seq
            }
            return seqs
        }
    }

    /// Writes the reschedule and tells the scheduler, as the recorder does after its commit.
    func reschedule(_ name: String, to notBefore: Double, _ scheduler: inout RetryScheduler) throws {
        try store.write { try GatewayRecords.reschedule($0, dispatchId: name, attempts: 1, httpStatus: 500, error: "e", notBefore: notBefore) }
        scheduler.scheduled(seq: seqs[name]!, notBefore: notBefore)
    }

    /// Stores a new dispatch of a route of `priority`, as `GatewayProcessor` does.
    func insert(_ name: String, priority: String?) throws -> GatewayJob {
        let dispatch = job(0, priority: priority).dispatch
        let request = DispatchRequest(dispatchId: name, kind: dispatch.kind, event: dispatch.event, channel: dispatch.channel,
                                      recipient: dispatch.recipient, title: dispatch.title, body: dispatch.body,
                                      severity: dispatch.severity, priority: priority, alert: dispatch.alert)
        let envelope = try Envelope(id: name, source: "alerting/router", tenant: "acme", data: request).encoded()
        return try #require(try store.write { try GatewayRecords.insert($0, request, tenant: "acme", envelope: envelope, at: Date()) })
    }

    /// The attempt of a job in memory ends and is recorded, as the recorder does.
    func finish(_ name: String, _ scheduler: inout RetryScheduler) throws {
        try store.write { try GatewayRecords.finish($0, dispatchId: name, status: .sent, attempts: 1, httpStatus: 200, error: nil, at: Date()) }
        scheduler.recorded(seq: seqs[name]!)
    }

    func take(_ scheduler: inout RetryScheduler, at now: Double) throws -> [String] {
        try store.read { try scheduler.takeDue(now: now, from: $0) }.map(\.dispatchId)
    }

    @Test func dueJobsComeBackOnceInOrder() throws {
        var scheduler = RetryScheduler(memoryLimit: 10)
        try reschedule("b", to: 20, &scheduler)
        try reschedule("a", to: 10, &scheduler)
        #expect(scheduler.nextDue == 0, "looks at the table at start")
        #expect(try take(&scheduler, at: 5) == [])
        #expect(scheduler.nextDue == 10)
        #expect(try take(&scheduler, at: 25) == ["a", "b"])
        #expect(try take(&scheduler, at: 26) == [], "handed on once")
        #expect(scheduler.nextDue == nil)
    }

    @Test func aJobScheduledBeforeWhatWasReadStillComesBack() throws {
        var scheduler = RetryScheduler(memoryLimit: 10)
        try reschedule("a", to: 10, &scheduler)
        try reschedule("c", to: 20, &scheduler)
        #expect(try take(&scheduler, at: 25) == ["a", "c"])
        // "b" was deferred at 13 to 15, but its record comes after the read at 25; "d" at 20 like "c", with a higher rowid.
        try reschedule("b", to: 15, &scheduler)
        try reschedule("d", to: 20, &scheduler)
        #expect(scheduler.nextDue == 15)
        // "a" and "c" are still in memory: read again on the way back, not handed on twice.
        #expect(try take(&scheduler, at: 26) == ["b", "d"])
        scheduler.recorded(seq: seqs["a"]!)
        try reschedule("a", to: 12, &scheduler)
        #expect(try take(&scheduler, at: 27) == ["a"], "a recorded job scheduled again comes back again")
    }

    @Test func aFullWindowWaitsForRecordsInsteadOfLookingAgain() throws {
        var scheduler = RetryScheduler(memoryLimit: 2)
        for name in ["a", "b", "c"] { try reschedule(name, to: 10, &scheduler) }
        #expect(try take(&scheduler, at: 11) == ["a", "b"])
        #expect(scheduler.wake == nil, "no room: the recorder waits for a record")
        scheduler.recorded(seq: seqs["a"]!)
        #expect(scheduler.wake == 10)
        #expect(try take(&scheduler, at: 12) == ["c"])
    }

    @Test func anUrgentDispatchSkipsTheFreshWindowAndComesBackBeforeEveryScheduledJob() throws {
        var scheduler = RetryScheduler(memoryLimit: 2)
        for name in ["a", "b", "c"] { try reschedule(name, to: 10, &scheduler) }
        #expect(try take(&scheduler, at: 11) == ["a", "b"])
        // Arrives while the window is full, "c" due before it and "d" fresh before it in the table.
        let urgent = try insert("u", priority: "critical")
        let normal = try insert("n", priority: "normal")
        #expect(urgent.scheduled && !normal.scheduled)
        #expect(try store.read { try GatewayRecords.pending($0, from: 0, limit: 10) }.map(\.dispatchId) == ["d", "n"],
                "the fresh jobs' window does not read it")
        scheduler.scheduled(seq: urgent.seq, notBefore: GatewayRecords.urgentNotBefore)
        try finish("a", &scheduler)
        #expect(try take(&scheduler, at: 12) == ["u"], "the first room goes to it, ahead of c")
        #expect(try take(&scheduler, at: 12) == [], "no room")
        try finish("b", &scheduler)
        #expect(try take(&scheduler, at: 13) == ["c"])
    }

    @Test func anUrgentDispatchLeftPendingComesBackFirstAfterARestart() throws {
        var before = RetryScheduler(memoryLimit: 1)
        try reschedule("a", to: 10, &before)
        _ = try insert("u", priority: "high")
        // A new start: the scheduler looks at the table at once, in (not_before, rowid) order.
        var scheduler = RetryScheduler(memoryLimit: 1)
        #expect(try take(&scheduler, at: 11) == ["u"])
        #expect(try store.read { try GatewayRecords.schedule($0, dispatchId: "u") }?.attempts == 0, "not tried yet")
    }
}
