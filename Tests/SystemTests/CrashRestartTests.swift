// Crash and restart: 10,000 alerts at a steady rate while each service is SIGKILLed and the broker restarted; none lost, none doubled.
import Foundation
import Testing
import TestSupport

/// The 10,000-alert system tests, one after the other: on two cores, two of them side by side starve each other.
@Suite(.serialized) struct HeavySystemTests {}

extension HeavySystemTests {
@Suite(.serialized) struct CrashRestartTests {
    static let alertCount = 10_000
    static let perSecond = 1_000

    @Test(.timeLimit(.minutes(6)))
    func everyAlertArrivesExactlyOnceAcrossKillsAndABrokerRestart() async throws {
        let started = Date()
        let pipeline = try await ProcessPipeline("crash-restart")
        defer { try? FileManager.default.removeItem(at: pipeline.directory) }
        try await pipeline.start()
        let publisher = try SteadyPublisher(broker: pipeline.broker, clientID: "crash-device")
        try await publisher.client.waitUntilConnected(timeout: 10)

        let publishing = Task {
            try await publisher.publish(count: Self.alertCount, perSecond: Self.perSecond) { index in
                ("alerting/in/acme/plc-\(index % 10)", Data(SystemHarness.alert(index).utf8))
            }
        }
        // Each service dies with work in hand, one after the other, then the broker restarts once (persistence on).
        var chaos: [String] = []
        var killedAt: [String: Date] = [:]
        for service in pipeline.services {
            try await Task.sleep(nanoseconds: 1_500_000_000)
            let received = pipeline.hookRequests.count
            try await offThePool { service.kill() }
            killedAt[service.name] = Date()
            chaos.append("SIGKILL \(service.name) at \(Self.seconds(since: started)) (\(received) webhooks in)")
            try await Task.sleep(nanoseconds: 300_000_000)
            try await pipeline.start(service)
        }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let beforeBroker = pipeline.hookRequests.count
        try await offThePool { try pipeline.broker.restart() }
        chaos.append("broker restart at \(Self.seconds(since: started)) (\(beforeBroker) webhooks in)")

        try await publishing.value
        let published = Date()
        try await publisher.flush(timeout: 60)
        try await pipeline.waitForDistinctAlerts(Self.alertCount, timeout: 240)
        let drained = Date()
        // Anything doubled would arrive shortly after the last one.
        try await Task.sleep(nanoseconds: 2_000_000_000)
        await pipeline.stop()
        publisher.stop()

        let hooks = pipeline.hookRequests
        let keys = hooks.compactMap(SystemHarness.dedupKey)
        let webhookIDs = hooks.compactMap { $0.header("webhook-id") }
        let keysByID = Dictionary(grouping: hooks, by: { $0.header("webhook-id") ?? "" }).mapValues { Set($0.compactMap(SystemHarness.dedupKey)) }
        let integrity = try pipeline.integrityReports()
        print("""
            crash-restart: \(Self.alertCount) alerts at \(Self.perSecond)/s; \(chaos.joined(separator: "; "));
            published in \(Self.seconds(published.timeIntervalSince(started)))s, all delivered after \(Self.seconds(drained.timeIntervalSince(started)))s;
            \(hooks.count) HTTP requests, \(Set(keys).count) distinct alerts, \(Set(webhookIDs).count) distinct webhook-ids;
            integrity \(integrity)
            """)

        #expect(Set(keys).count == Self.alertCount, "0 lost")
        #expect(Set(webhookIDs).count == Self.alertCount, "one webhook-id per alert: a redelivery reuses its id")
        #expect(keysByID.values.allSatisfy { $0.count == 1 }, "a webhook-id never names two alerts")
        // SIGKILL between the receiver's 200 and the gateway's commit repeats that request with the same webhook-id
        // (Standard Webhooks receivers dedup by it): only what it had sent but not yet recorded when it died may come
        // again, so every first copy of a repeat arrived shortly before the gateway's kill and the repeat after it.
        let gatewayKill = try #require(killedAt["webhook-gateway"])
        let repeated = Dictionary(grouping: hooks, by: { $0.header("webhook-id") ?? "" }).values.filter { $0.count > 1 }
        let firstCopies = repeated.map { $0.map(\.receivedAt).min()! }
        let window = firstCopies.map { gatewayKill.timeIntervalSince($0) }
        print("crash-restart: \(hooks.count - Self.alertCount) repeated requests (same webhook-id), first copies \(window.max().map { String(format: "%.2f", $0) } ?? "-")…\(window.min().map { String(format: "%.2f", $0) } ?? "-") s before the gateway's kill")
        for copies in repeated {
            let times = copies.map(\.receivedAt).sorted()
            #expect(times[0] <= gatewayKill && gatewayKill.timeIntervalSince(times[0]) < 3 && times.dropFirst().allSatisfy { $0 > gatewayKill },
                    "a repeat that the gateway's kill does not explain: \(copies[0].header("webhook-id") ?? "?")")
        }
        #expect(hooks.allSatisfy(SystemHarness.signatureIsValid))
        for (service, report) in integrity { #expect(report == ["ok"], "\(service): \(report)") }
    }

    static func seconds(since start: Date) -> String { seconds(Date().timeIntervalSince(start)) }
    static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }
}
}
