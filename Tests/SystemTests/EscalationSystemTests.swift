// The escalator as a process over a real broker: killed with SIGKILL between two steps, each step still goes out once.
import Contracts
import Escalator
import Ingest
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct EscalationSystemTests {
    @Test(.timeLimit(.minutes(1)))
    func anOverdueStepFiresOnceAfterAKillAndRestart() async throws {
        let directory = temporaryDirectory("escalation-kill")
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(fastPolicy(second: "4s", third: "30s"), in: directory)
        let process = try await EscalatorProcess(broker: broker, config: config, directory: directory)
        let (escalator, recorder) = (process.escalator, process.recorder)
        func steps() -> [Envelope<EscalationStepTaken>] { process.steps() }
        let created = try process.trigger()
        try await recorder.wait(timeout: 10, "the first step") { _ in steps().count >= 1 }
        // Between the steps (1 s and 4 s): kill -9, stay down past the second step's time, start again.
        escalator.kill()
        let down = Date()
        #expect(down < created.addingTimeInterval(4), "killed before the second step was due")
        try await Task.sleep(nanoseconds: UInt64(max(0, created.addingTimeInterval(5).timeIntervalSinceNow) * 1_000_000_000))
        #expect(steps().count == 1, "nothing fires while the escalator is down")
        try await process.start()
        try await recorder.wait(timeout: 10, "the overdue step") { _ in steps().count >= 2 }
        // A doubled step would follow right after.
        try await Task.sleep(nanoseconds: 1_500_000_000)

        // The bus is at-least-once: a row whose PUBACK came just before the kill goes out again at the restart,
        // with its id, and consumers drop it as a repeat. What must never happen is a step firing twice,
        // which would carry a new id.
        let received = steps()
        var seenIDs = Set<String>()
        let all = received.filter { seenIDs.insert($0.id).inserted }
        #expect(all.map(\.data.cause.step) == [1, 2], "each step exactly once; the third (30 s) is still pending")
        #expect(received.allSatisfy { copy in all.contains { $0.id == copy.id && $0.data == copy.data } }, "repeats are byte-for-byte re-sends")
        #expect(abs((all.last?.data.dueAt ?? .distantPast).timeIntervalSince(created.addingTimeInterval(4))) < 0.002, "the overdue step says when it was due")
        #expect(abs((all.last?.data.nextDueAt ?? .distantPast).timeIntervalSince(created.addingTimeInterval(30))) < 0.002, "the future step kept its time")
        process.stop()
        #expect(!escalator.log.contains("error"), "escalator log:\n\(escalator.log.suffix(2000))")
        broker.stop()
    }
}

extension EscalationSystemTests {
    @Test(.timeLimit(.minutes(1)))
    func theRetainedAlertShowsTheLevelAndTheAttentionLogWhoActed() async throws {
        let directory = temporaryDirectory("escalation-ingest")
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(fastPolicy(second: "2s", third: "1h"), in: directory)
        let recorder = try BusRecorder(broker: broker, topics: ["alerting/alerts/#", "alerting/escalations/#"])
        let publisher = try BusPublisher(broker: broker)
        let ingest = InProcessService(runtime: try IngestService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
            try await IngestService.run($0, installSignalHandlers: false)
        }
        let escalator = InProcessService(runtime: try EscalatorService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("escalator"), broker: broker))) {
            try await EscalatorService.run($0, installSignalHandlers: false)
        }
        try await ingest.waitUntilConnected()
        try await escalator.waitUntilConnected()
        func states() -> [Alert] {
            recorder.messages(on: "alerting/alerts/acme/").compactMap { try? Envelope<Alert>.decode($0.payload).data }
        }

        publisher.publish("alerting/in/acme/plc-1", #"{"dedup_key":"p1","summary":"Press 1 stopped","severity":"critical","service":"press"}"#)
        try await recorder.wait(timeout: 10, "level 1 in the retained state") { _ in states().contains { $0.level == 1 } }
        let escalated = try #require(states().last { $0.level == 1 })
        let alertID = escalated.id
        #expect(escalated.nextEscalationAt.map { abs($0.timeIntervalSince(escalated.createdAt.addingTimeInterval(3600))) < 0.002 } == true,
                "the next escalation time is the 1 h step")

        publisher.publish("alerting/ack/acme/\(alertID)/by/alice", #"{"action":"escalate","reason":"customer waiting"}"#)
        try await recorder.wait(timeout: 10, "the manual level") { _ in states().contains { $0.level == 2 } }
        publisher.publish("alerting/ack/acme/\(alertID)/by/bob", #"{"action":"acknowledge"}"#)
        let book = EscalatorService.book(escalator.runtime, rules: EscalationRules())
        let deadline = Date().addingTimeInterval(10)
        while try book.state(alertID: alertID)?.status != .acknowledged, Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let log = try book.attentionLog(alertID: alertID)
        #expect(log.map(\.kind) == [.triggered, .step, .step, .manual, .acknowledged])
        #expect(log.first { $0.kind == .manual }?.by == "alice")
        #expect(log.first { $0.kind == .manual }?.reason == "customer waiting")
        #expect(log.last?.by == "bob")
        #expect(try book.store.read { try EscalationRecords.timers($0, alertID: alertID) }.isEmpty, "the 1 h step was cancelled")

        await escalator.stop()
        await ingest.stop()
        recorder.stop()
        publisher.stop()
        broker.stop()
    }
}

/// Service `press` with policy `fast`: bob after 1 s, then the admins after `second` and again after `third`.
func fastPolicy(second: String, third: String) -> String {
    """
    broker:
      url: mqtt://127.0.0.1:1883
      topic_root: alerting
    tenants:
      - id: acme
        users:
          - {id: alice, roles: [admin]}
          - {id: bob, roles: [ops]}
        services:
          - {id: press, escalation_policy: fast}
        escalation_policies:
          - id: fast
            steps:
              - {after: 1s, targets: [{user: bob}]}
              - {after: \(second), targets: [{role: admin}]}
              - {after: \(third), targets: [{role: admin}]}
    """
}
