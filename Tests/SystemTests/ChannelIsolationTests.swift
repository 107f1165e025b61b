// No channel holds back another: the shipped example configuration with no slack gateway and no wildcard subscriber,
// and a wildcard subscriber across a broker restart while a gateway is away.
import Foundation
import GRDB
import Testing
import TestSupport

extension HeavySystemTests {
@Suite(.serialized) struct ChannelIsolationTests {
    /// config/alerting.example.yaml as shipped, with only the webhook URLs pointed at the test's receiver, and the Teams
    /// webhook unpaced: the gateway paces a real Teams webhook at 2 a second (Teams' own limit), and this test's
    /// 10,000 cards go to a local receiver.
    static func exampleConfig(receiverURL: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: root.appendingPathComponent("config/alerting.example.yaml"), encoding: .utf8)
        return yaml.replacingOccurrences(of: "https://example.test/ticketing", with: "\(receiverURL)/ticketing")
            .replacingOccurrences(of: "\nchannels:\n", with: "\nchannels:\n  webhook: {pacing: {teams: {per_second: 0}}}\n")
    }

    static let exampleEnvironment = ["TICKETING_WEBHOOK_SECRET": SystemHarness.secret, "ACTION_TOKEN_SECRET": "action-secret"]

    /// A press-line alert of the example configuration: service webhooks (Teams, ticketing), a service Slack post and
    /// route `production-all` (in-app and Slack). The summary's `[n]` finds it in any body.
    static func pressAlert(_ index: Int) -> String {
        #"{"dedup_key":"k-\#(index)","summary":"Press alert [\#(index)]","severity":"critical","service":"press-line","category":"production"}"#
    }

    static func marker(in request: RecordedHTTPRequest) -> Int? {
        let body = String(decoding: request.body, as: UTF8.self)
        guard let start = body.range(of: "Press alert ["), let end = body[start.upperBound...].firstIndex(of: "]") else { return nil }
        return Int(body[start.upperBound..<end])
    }

    static func residentMiB(_ pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kb / 1024
    }

    static func heldRows(_ path: String, lane: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE lane = ?", arguments: [lane]) ?? 0 }
    }

    @Test(.timeLimit(.minutes(8)))
    func exampleConfigWithoutSlackGatewayDeliversEveryWebhookOnceAcrossARouterKill() async throws {
        let count = 10_000
        let receiver = try await TestHTTPServer.start()
        let yaml = try Self.exampleConfig(receiverURL: receiver.url)
        // The Teams URL is a secret from the environment: it points at the receiver too.
        let pipeline = try await ProcessPipeline("isolation-example", receiver: receiver, configYAML: { _ in yaml },
                                                 environment: Self.exampleEnvironment.merging(
                                                     ["PRESS_TEAMS_WEBHOOK_URL": "\(receiver.url)/teams"]) { $1 })
        try await pipeline.start()
        let publisher = try SteadyPublisher(broker: pipeline.broker, clientID: "isolation-device")
        try await publisher.client.waitUntilConnected(timeout: 10)
        let publishing = Task {
            try await publisher.publish(count: count, perSecond: 500) { index in
                ("alerting/in/acme/plc-\(index % 10)", Data(Self.pressAlert(index).utf8))
            }
        }
        try await Task.sleep(nanoseconds: 8_000_000_000)
        let router = pipeline["router"]
        let beforeKill = pipeline.receiver.requests.count
        try await offThePool { router.kill() }
        try await pipeline.start(router, timeout: 120)
        try await publishing.value
        try await publisher.flush(timeout: 60)

        // Every alert reaches both of press-line's webhooks, though Slack's dispatches have nowhere to go.
        let deadline = Date().addingTimeInterval(240)
        var largestRSS = 0.0
        func delivered(_ path: String) -> Set<Int> {
            Set(pipeline.receiver.requests.filter { $0.path == path }.compactMap(Self.marker))
        }
        while delivered("/ticketing").count < count || delivered("/teams").count < count {
            if let pid = router.pid, let rss = Self.residentMiB(pid) { largestRSS = max(largestRSS, rss) }
            guard Date() < deadline else {
                Issue.record("ticketing \(delivered("/ticketing").count), teams \(delivered("/teams").count) of \(count); logs:\n\(pipeline.logTails())")
                break
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        let held = try Self.heldRows(router.databasePath, lane: "slack")
        let health = await HTTPProbe.get(router.healthURL)
        let metrics = await HTTPProbe.get(router.metricsURL)
        await pipeline.stop()
        publisher.stop()

        let ticketing = pipeline.receiver.requests.filter { $0.path == "/ticketing" }
        let teams = pipeline.receiver.requests.filter { $0.path == "/teams" }
        print("isolation-example: \(count) alerts, router killed after \(beforeKill) requests; ticketing \(ticketing.count), teams \(teams.count); slack rows held \(held); router RSS at most \(Int(largestRSS)) MiB")
        #expect(Set(ticketing.compactMap(Self.marker)).count == count)
        #expect(ticketing.count == count, "each ticketing webhook once")
        #expect(Set(teams.compactMap(Self.marker)).count == count)
        #expect(teams.count == count, "each Teams card once")
        #expect(held > 2_000, "Slack's dispatches wait in the router's table, across its kill")
        #expect(health.body.contains(#""slack""#), "held channels in /healthz: \(health.body)")
        #expect(metrics.body.contains(#"alerting_dispatches_held{channel="slack",service="router"}"#)
                || metrics.body.contains(#"alerting_dispatches_held{service="router",channel="slack"}"#))
        #expect(largestRSS > 0 && largestRSS < 256, "the router's memory stays bounded with \(held) held rows")
    }

    /// An operator's `mosquitto_sub -t 'alerting/#'` during a broker restart while the webhook gateway is frozen (its
    /// shared subscription is gone with the restart, its retained "online" is not): the router holds the webhook
    /// dispatches until the gateway itself answers again, so the wildcard subscriber takes none of them.
    @Test(.timeLimit(.minutes(3)))
    func aWildcardSubscriberTakesNothingAcrossABrokerRestart() async throws {
        let pipeline = try await ProcessPipeline("isolation-wildcard")
        try await pipeline.start()
        let operatorTap = try BusRecorder(broker: pipeline.broker, topics: ["alerting/#"])
        let publisher = try BusPublisher(broker: pipeline.broker)
        for index in 0..<20 { publisher.publish("alerting/in/acme/plc-1", SystemHarness.alert(index)) }
        try await publisher.flush()
        try await pipeline.waitForDistinctAlerts(20, timeout: 30)

        let gateway = pipeline["webhook-gateway"]
        gateway.signal(SIGSTOP)
        let seen = pipeline.status.messages.count
        try await offThePool { try pipeline.broker.restart() }
        for service in ["ingest", "router"] {
            try await pipeline.status.wait(timeout: 30, "\(service) online again") { messages in
                messages.dropFirst(seen).contains { $0.topic == "alerting/status/\(service)" && $0.payload.elementsEqual("online".utf8) }
            }
        }
        for index in 20..<40 { publisher.publish("alerting/in/acme/plc-1", SystemHarness.alert(index)) }
        try await publisher.flush()
        // The router has made the 20 dispatches: they wait in its webhook lane.
        let router = pipeline["router"]
        let deadline = Date().addingTimeInterval(30)
        while try Self.heldRows(router.databasePath, lane: "webhook") < 20 {
            guard Date() < deadline else { throw ServiceProcessError(message: "router did not hold the dispatches:\n\(pipeline.logTails())") }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let tappedWhileFrozen = operatorTap.messages(on: "alerting/dispatch/webhook/").count

        gateway.signal(SIGCONT)
        try await pipeline.waitForDistinctAlerts(40, timeout: 60)
        // A barrier: one more alert after the 40 arrives after any repeat of them would have.
        publisher.publish("alerting/in/acme/plc-1", SystemHarness.alert(40))
        try await publisher.flush()
        try await pipeline.waitForDistinctAlerts(41, timeout: 30)
        await pipeline.stop()
        operatorTap.stop()
        publisher.stop()

        let hooks = pipeline.hookRequests
        #expect(tappedWhileFrozen == 20, "before the restart the tap saw the first 20 dispatches, after it none until the gateway was back")
        #expect(hooks.count == 41, "every alert delivered once: \(hooks.count) requests")
        #expect(Set(hooks.compactMap(SystemHarness.dedupKey)).count == 41)
    }
}
}
