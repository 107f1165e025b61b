// The countdown from the start: a triggered alert's retained state already holds the first due time of the timers
// the escalator arms for it, by the escalator's rules (policy step, route role, deadline threshold), or none.
import Contracts
import Foundation
import Ingest
import ServiceKit
import Testing
import TestSupport

private let countdownConfig = """
    broker:
      url: mqtt://127.0.0.1:1883
    tenants:
      - id: acme
        users:
          - {id: alice, roles: [admin], email: alice@example.test}
        services:
          - {id: press, escalation_policy: slow}
          - {id: quiet}
        escalation_policies:
          - id: slow
            steps:
              - {after: 5m, targets: [{user: alice}]}
        routes:
          - {id: finance, match: {category: finance}, target_roles: [admin], escalate_to_role: admin, escalate_after: 45m}
    """

struct CountdownCase: Sendable, CustomTestStringConvertible {
    var name: String
    var intake: String
    /// Seconds after creation; nil: nothing to escalate, no countdown.
    var expected: Double?
    var testDescription: String { name }
}

let countdownCases: [CountdownCase] = [
    CountdownCase(name: "the service's policy: its first step", intake: #""service":"press""#, expected: 5 * 60),
    CountdownCase(name: "a route's role escalation", intake: #""category":"finance""#, expected: 45 * 60),
    CountdownCase(name: "the earliest of both", intake: #""service":"press","category":"finance""#, expected: 5 * 60),
    CountdownCase(name: "nothing to escalate", intake: #""service":"quiet""#, expected: nil),
]

@Test(.timeLimit(.minutes(2)))
func theRetainedStateShowsTheFirstDueTimeFromTheStart() async throws {
    let directory = temporaryDirectory("ingest-countdown")
    let broker = try await offThePool { try MosquittoBroker() }
    let config = try TestConfig.write(countdownConfig, in: directory)
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/alerts/#"])
    let publisher = try BusPublisher(broker: broker)
    let ingest = InProcessService(runtime: try IngestService.makeRuntime(
        options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
        try await IngestService.run($0, installSignalHandlers: false)
    }
    try await ingest.waitUntilConnected()
    for (index, row) in countdownCases.enumerated() {
        publisher.publish("alerting/in/acme/dev", #"{"dedup_key":"k\#(index)","summary":"\#(row.name)","severity":"error",\#(row.intake)}"#)
    }
    let deadline = Date().addingTimeInterval(3 * 3600)
    publisher.publish("alerting/in/acme/dev", #"{"dedup_key":"due","summary":"deadline","severity":"error","service":"quiet","deadline":"\#(RFC3339.string(from: deadline))"}"#)
    try await publisher.flush()
    func states() -> [Alert] { recorder.messages(on: "alerting/alerts/acme/").compactMap { try? Envelope<Alert>.decode($0.payload).data } }
    try await recorder.wait(timeout: 10, "every retained state") { _ in states().count >= countdownCases.count + 1 }
    for row in countdownCases {
        let alert = try #require(states().first { $0.summary == row.name })
        #expect(alert.nextEscalationAt.map { $0.timeIntervalSince(alert.createdAt) }.map { abs($0 - row.expected!) < 0.01 } ?? (row.expected == nil),
                "\(row.name): \(String(describing: alert.nextEscalationAt))")
    }
    let due = try #require(states().first { $0.summary == "deadline" })
    #expect(due.nextEscalationAt.map { abs($0.timeIntervalSince(due.createdAt) - deadline.timeIntervalSince(due.createdAt) / 2) < 0.01 } == true,
            "a deadline's first threshold (50 %)")
    recorder.stop()
    publisher.stop()
    await ingest.stop()
    try? await offThePool { broker.stop() }
}
