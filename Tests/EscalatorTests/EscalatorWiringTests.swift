// The escalator over a real broker and a real clock, at delays of seconds: steps, acknowledgement, manual escalation.
import Config
import Contracts
import Escalator
import Foundation
import ServiceKit
import Testing
import TestSupport

enum EscalatorTestConfig {
    /// Policy steps after `first` and `second` seconds for service `press`; no routes escalate.
    static func yaml(first: Int, second: Int) -> String {
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
                  - {after: \(first)s, targets: [{user: bob}], channels: [sms]}
                  - {after: \(second)s, targets: [{role: admin}]}
            routes:
              - {id: everything}
        """
    }

    static func event(_ kind: AlertEvent.Kind, alertID: String, created: Date, by: String? = nil, reason: String? = nil) throws -> Data {
        var alert = Alert(id: alertID, tenant: "acme", dedupKey: alertID, severity: .critical, summary: "Press stopped",
                          service: "press", createdAt: created)
        if kind == .acknowledged { alert.status = .acknowledged }
        return try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: kind, alert: alert, by: by, reason: reason)).encoded()
    }

    static func steps(_ recorder: BusRecorder, alertID: String) -> [(received: Date, envelope: Envelope<EscalationStepTaken>)] {
        recorder.messages(on: "alerting/escalations/acme/\(alertID)").compactMap { message in
            (try? Envelope<EscalationStepTaken>.decode(message.payload)).map { (Date(), $0) }
        }
    }
}

@Test(.timeLimit(.minutes(1)))
func theEscalatorFiresStepsOnTimeOverTheBus() async throws {
    let directory = temporaryDirectory("escalator-wiring")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write(EscalatorTestConfig.yaml(first: 1, second: 2), in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/escalations/#"])
    let publisher = try BusPublisher(broker: broker)
    let service = InProcessService(runtime: try EscalatorService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("escalator"), broker: broker,
                                              clientID: "escalator-under-test"))) {
        try await EscalatorService.run($0, installSignalHandlers: false)
    }
    try await service.waitUntilConnected()

    let created = Date()
    publisher.publish("alerting/events/acme/a1", try EscalatorTestConfig.event(.triggered, alertID: "a1", created: created))
    // a2 is acknowledged before its first step: it never escalates.
    publisher.publish("alerting/events/acme/a2", try EscalatorTestConfig.event(.triggered, alertID: "a2", created: created))
    publisher.publish("alerting/events/acme/a2", try EscalatorTestConfig.event(.acknowledged, alertID: "a2", created: created, by: "bob"))
    try await recorder.wait(timeout: 10, "two steps of a1") { _ in EscalatorTestConfig.steps(recorder, alertID: "a1").count >= 2 }
    let received = Date()
    let steps = EscalatorTestConfig.steps(recorder, alertID: "a1").map(\.envelope)
    #expect(steps.map(\.data.level) == [0, 1])
    #expect(steps.map(\.data.cause.step) == [1, 2])
    #expect(steps[0].data.targets == [EscalationTargetRef(user: "bob")] && steps[0].data.channels == ["sms"])
    #expect(abs(steps[0].data.dueAt.timeIntervalSince(created.addingTimeInterval(1))) < 0.002, "times travel with milliseconds")
    #expect(abs((steps[0].data.nextDueAt ?? .distantPast).timeIntervalSince(created.addingTimeInterval(2))) < 0.002)
    #expect(steps[0].source == "alerting/escalator" && steps[0].tenant == "acme")
    #expect(received >= created.addingTimeInterval(2), "no step fires before it is due")

    // A manual escalation is published at once, with who and why.
    publisher.publish("alerting/events/acme/a1", try EscalatorTestConfig.event(.escalated, alertID: "a1", created: created, by: "alice", reason: "still down"))
    try await recorder.wait(timeout: 10, "the manual step") { _ in EscalatorTestConfig.steps(recorder, alertID: "a1").count >= 3 }
    let manual = try #require(EscalatorTestConfig.steps(recorder, alertID: "a1").last?.envelope.data)
    #expect(manual.cause.kind == .manual && manual.level == 2 && manual.by == "alice" && manual.reason == "still down")

    try await Task.sleep(nanoseconds: 500_000_000)
    #expect(EscalatorTestConfig.steps(recorder, alertID: "a2").isEmpty, "the acknowledged alert never escalated")
    let book = EscalatorService.book(service.runtime, rules: EscalationRules())
    #expect(try book.attentionLog(alertID: "a1").map(\.kind) == [.triggered, .step, .step, .manual])
    #expect(try book.state(alertID: "a2")?.status == .acknowledged)

    await service.stop()
    recorder.stop()
    publisher.stop()
    broker.stop()
}

@Test func aPartitionedEscalatorSubscribesToItsOwnTenantsOnly() throws {
    let config = try ConfigLoader.parse(yaml: """
        tenants:
          - {id: acme}
          - {id: globex}
          - {id: initech}
        """)
    let topics = Topics(root: "alerting")
    #expect(EscalatorService.subscriptions(topics: topics, partition: .all, config: config) == ["alerting/events/#"])
    let halves = (0..<2).map { EscalatorService.subscriptions(topics: topics, partition: Partition("\($0)/2")!, config: config) }
    #expect(Set(halves[0]).isDisjoint(with: halves[1]))
    #expect(Set(halves.flatMap { $0 }) == ["alerting/events/acme/#", "alerting/events/globex/#", "alerting/events/initech/#"])
}
