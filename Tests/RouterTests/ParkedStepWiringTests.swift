// An escalation step that overtakes its alert's triggered event is parked, not dropped, and applied in the event's
// transaction; one whose event never comes goes to the dead letters after a day.
@testable import Router
import Config
import Contracts
import Foundation
import ServiceKit
import Store
import Testing
import TestSupport

private let parkedConfig = """
    broker:
      url: mqtt://127.0.0.1:1883
    channels:
      twilio: {sms_from: "+15005550006"}
    tenants:
      - id: acme
        users:
          - {id: alice, roles: [admin], phone: "+15550001", channels: [sms]}
        services:
          - {id: press-line, owners: [alice], notification_channels: []}
    """

@Test(.timeLimit(.minutes(2)))
func aStepBeforeItsTriggeredEventIsParkedAndAppliedWhenTheEventComes() async throws {
    let directory = temporaryDirectory("router-parked")
    let broker = try MosquittoBroker()
    let config = try TestConfig.write(parkedConfig, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#"], consuming: BusRecorder.everyChannel)
    let publisher = try BusPublisher(broker: broker)
    let router = InProcessService(runtime: try RouterService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("router"), broker: broker))) {
        try await RouterService.run($0, installSignalHandlers: false)
    }
    try await router.waitUntilConnected()
    let store = router.runtime.store

    // The escalator's step for a1 arrives first (ingest's event is late).
    let step = EscalationStepTaken(alertId: "a1", level: 1, cause: EscalationCause(kind: .manual),
                                   targets: [EscalationTargetRef(user: "alice")], channels: ["sms"], dueAt: Date())
    let stepEnvelope = Envelope(source: "alerting/escalator", tenant: "acme", data: step)
    publisher.publish("alerting/escalations/acme/a1", try stepEnvelope.encoded())
    try await publisher.flush()
    let deadline = Date().addingTimeInterval(10)
    while try store.read({ try ParkedSteps.count($0) }) == 0, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    #expect(try store.read { try ParkedSteps.count($0) } == 1)
    // Parking and dispatching would be the same transaction: parked means nothing was dispatched for it.
    #expect(try store.read { try DispatchRecords.forAlert($0, tenant: "acme", alertId: "a1") }.isEmpty)

    // The event comes: the alert's own notification and then the parked step, each once.
    let alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .critical, summary: "Press 4 stopped", service: "press-line",
                      createdAt: Date())
    publisher.publish("alerting/events/acme/a1",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: alert)).encoded())
    // The step again (a redelivery): dropped by the inbox, not parked a second time. Then a barrier: a second alert's
    // event, processed after both.
    publisher.publish("alerting/escalations/acme/a1", try stepEnvelope.encoded())
    var barrier = alert
    barrier.id = "barrier"
    publisher.publish("alerting/events/acme/barrier",
                      try Envelope(source: "alerting/ingest", tenant: "acme", data: AlertEvent(kind: .triggered, alert: barrier)).encoded())
    try await publisher.flush()
    try await recorder.wait { $0.contains { (try? Envelope<DispatchRequest>.decode($0.payload))?.data.alert.id == "barrier" } }

    let forA1 = recorder.messages.compactMap { try? Envelope<DispatchRequest>.decode($0.payload).data }.filter { $0.alert.id == "a1" }
    #expect(forA1.map(\.event) == [.triggered, .escalated], "the alert's notification, then the parked step's")
    let escalation = try #require(forA1.last)
    #expect(escalation.channel == "sms" && escalation.recipient.user == "alice" && escalation.recipient.address == "+15550001")
    #expect(try store.read { try ParkedSteps.count($0) } == 0)

    // A step whose alert never comes: parked, then moved to the dead letters a day later.
    let orphan = EscalationStepTaken(alertId: "never", level: 1, cause: EscalationCause(kind: .manual),
                                     targets: [EscalationTargetRef(user: "alice")], dueAt: Date())
    publisher.publish("alerting/escalations/acme/never", try Envelope(source: "alerting/escalator", tenant: "acme", data: orphan).encoded())
    try await publisher.flush()
    let orphanDeadline = Date().addingTimeInterval(10)
    while try store.read({ try ParkedSteps.count($0) }) == 0, Date() < orphanDeadline { try await Task.sleep(nanoseconds: 20_000_000) }
    let pruner = ParkedStepPruner(store: store, metrics: router.runtime.metrics, logger: router.runtime.logger)
    #expect(pruner.pruneOnce(now: Date()) == 0, "younger than a day: stays parked")
    #expect(pruner.pruneOnce(now: Date().addingTimeInterval(ParkedSteps.maximumAge + 60)) == 1)
    #expect(try store.read { try ParkedSteps.count($0) } == 0)
    let letters = try store.read { try DeadLetters.latest($0, limit: 10) }
    #expect(letters.count == 1)
    #expect(letters.first?.topic == "alerting/escalations/acme/never" && letters.first?.direction == .received)
    #expect(letters.first?.reason.contains("triggered event") == true)

    let port = try #require(router.runtime.httpPort)
    let metrics = await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body
    #expect(metrics.contains("alerting_router_escalation_steps_parked_total"))
    #expect(metrics.contains(#"alerting_dead_letters_total{service="router",direction="received"}"#))

    publisher.stop()
    recorder.stop()
    await router.stop()
    broker.stop()
}
