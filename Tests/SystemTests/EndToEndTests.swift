// An alert travels device → ingest → router → webhook-gateway → HTTP receiver through a real Mosquitto, nothing lost.
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct EndToEndTests {
    @Test(.timeLimit(.minutes(4)))
    func thousandAlertsArriveExactlyOnceAcrossARouterKill() async throws {
        let system = try await SystemHarness.start("e2e-kill")
        let publisher = try BusPublisher(broker: system.broker)
        for index in 0..<500 { publisher.publish("alerting/in/acme/plc-\(index % 10)", SystemHarness.alert(index)) }
        try await publisher.flush()
        // Mid-stream: the router is busy with the first half when it dies.
        try await system.waitForHooks(20, timeout: 60)
        system.router.kill()
        let deliveredAtKill = system.hookRequests.count
        for index in 500..<1000 { publisher.publish("alerting/in/acme/plc-\(index % 10)", SystemHarness.alert(index)) }
        try await publisher.flush()
        try await system.restartRouter()
        try await system.waitForHooks(1000, timeout: 120)
        // Anything doubled would arrive shortly after the last one.
        try await Task.sleep(nanoseconds: 1_000_000_000)

        let hooks = system.hookRequests
        #expect(deliveredAtKill < 500, "the router died with most of the first half still to route")
        #expect(hooks.count == 1000, "none lost, none doubled")
        #expect(Set(hooks.compactMap(SystemHarness.dedupKey)).count == 1000)
        #expect(Set(hooks.compactMap { $0.header("webhook-id") }).count == 1000)
        #expect(hooks.allSatisfy(SystemHarness.signatureIsValid), "every request carries a valid Standard Webhooks signature")
        #expect(system.receiver.requests.filter { $0.path == "/disabled" }.isEmpty, "a disabled webhook gets nothing")

        // SIGTERM is the graceful path: the router flushes and leaves "offline" retained (a kill -9 leaves it to the last will).
        system.router.terminate()
        try await system.status.wait(timeout: 10, "router offline") { messages in
            messages.last { $0.topic == "alerting/status/router" }.map { String(decoding: $0.payload, as: UTF8.self) } == "offline"
        }
        publisher.stop()
        await system.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func badInputIsRejectedOneByOneAndGoodAlertsStillArrive() async throws {
        let system = try await SystemHarness.start("e2e-bad")
        let rejected = try BusRecorder(broker: system.broker, topics: ["alerting/rejected/#"])
        let publisher = try BusPublisher(broker: system.broker)
        let bad: [(topic: String, payload: Data)] = [
            ("alerting/in/acme/x", Data("not json".utf8)),
            ("alerting/in/acme/x", Data(#"{"summary": 5}"#.utf8)),
            ("alerting/in/acme/x", Data(#"{"severity": "critical"}"#.utf8)),
            ("alerting/in/acme/x", Data(#"{"summary": "x", "severity": "apocalyptic"}"#.utf8)),
            ("alerting/in/acme/x", Data("[1,2,3]".utf8)),
            ("alerting/in/nobody/x", Data(SystemHarness.alert(0).utf8)),
            ("alerting/in/acme/x", Data(repeating: UInt8(ascii: "x"), count: 9000)),
            ("alerting/in/acme/x", Data([0xFF, 0xFE, 0x00, 0x7B])),
            ("alerting/in/acme/x", Data((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8)),
            ("alerting/ack/acme/no-such-alert", Data(#"{"action": "acknowledge"}"#.utf8)),
            ("alerting/ack/acme/whatever", Data(#"{"action": "escalate"}"#.utf8)),
            ("alerting/in/acme/x", Data(#"{"event_action": "trigger", "payload": {"summary": "x", "source": "y"}}"#.utf8)),
        ]
        var badCount = 0
        var goodCount = 0
        for round in 0..<25 {
            for (index, message) in bad.enumerated() {
                publisher.publish(message.topic, message.payload)
                badCount += 1
                if index % 3 == 0 {
                    publisher.publish("alerting/in/acme/plc", SystemHarness.alert(round * 100 + index))
                    goodCount += 1
                }
            }
        }
        try await publisher.flush()
        try await rejected.wait(timeout: 60, "rejections") { $0.count >= badCount }
        try await system.waitForHooks(goodCount, timeout: 60)
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(rejected.messages.count == badCount, "exactly one rejection per bad message")
        #expect(rejected.messages(on: "alerting/rejected/nobody").count == 25)
        #expect(system.hookRequests.count == goodCount)
        let reasons = Set(rejected.messages.compactMap { message -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: message.payload) as? [String: Any],
                  let data = object["data"] as? [String: Any] else { return nil }
            #expect(data["topic"] as? String != nil && data["excerpt"] as? String != nil && data["message"] as? String != nil)
            return data["reason"] as? String
        })
        #expect(reasons.isSuperset(of: ["malformed_json", "wrong_type", "missing_field", "unknown_severity", "not_an_object",
                                        "unknown_tenant", "oversize", "unknown_alert", "missing_reason"]))
        rejected.stop()
        publisher.stop()
        await system.stop()
    }
}
