// The webhook gateway as operators run it, as a process: `webhook-gateway test-send` posts once and reports a receipt,
// a kill -9 while every delivery waits for its next attempt loses none and sends none twice, and /metrics counts
// what happened with bounded labels.
import Contracts
import Foundation
import GRDB
import Harness
import Testing
import TestSupport
import WebhookGateway

@Suite(.serialized) struct WebhookGatewayProcessTests {
    /// Runs `webhook-gateway test-send` to the end and returns its exit code and output. The wait is on a thread of its
    /// own: blocking the few threads of the concurrency pool would stall the test's HTTP receiver the command posts to.
    private func testSend(config: URL, broker: MosquittoBroker, directory: URL) async throws -> (code: Int32?, output: String) {
        try await offThePool { try Self.runTestSend(config: config, broker: broker, directory: directory) }
    }

    private static func runTestSend(config: URL, broker: MosquittoBroker, directory: URL) throws -> (code: Int32?, output: String) {
        let log = directory.appendingPathComponent("test-send-\(UUID().uuidString.prefix(6)).log")
        let child = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["TEST_WEBHOOK_SECRET=\(SystemHarness.secret)", try ServiceProcess.locate("webhook-gateway").path, "test-send",
                        "--config", config.path, "--broker", broker.url, "--tenant", "acme", "--service", "press-line", "--webhook", "receiver"],
            output: log.path)
        let deadline = Date().addingTimeInterval(30)
        while child.isRunning, Date() < deadline { usleep(10_000) }
        child.stop(signal: SIGKILL, timeout: 5)
        return (child.exitCode, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    @Test(.timeLimit(.minutes(2)))
    func testSendPostsOnceSignedAndPublishesTheOutcomeAsAReceipt() async throws {
        let directory = temporaryDirectory("test-send")
        let broker = try MosquittoBroker()
        let failing = Flag()
        let receiver = try await TestHTTPServer.start { _ in failing.isSet ? ScriptedHTTPResponse(status: 500) : .ok }
        let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url), in: directory)
        let recorder = try BusRecorder(broker: broker, topics: ["alerting/receipts/#"])
        func receipts() -> [DeliveryReceipt] {
            recorder.messages(on: "alerting/receipts/acme").flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }
        }

        let sent = try await testSend(config: config, broker: broker, directory: directory)
        #expect(sent.code == 0, "\(sent.output)")
        #expect(sent.output.contains("sent\tHTTP 200\t-\t"), "the outcome on standard output: \(sent.output)")
        let request = try #require(receiver.requests.first { $0.path == "/hook" })
        #expect(receiver.requests.filter { $0.path == "/hook" }.count == 1)
        let signer = WebhookSigner(secret: SystemHarness.secret)
        #expect(signer.verify(id: request.header("webhook-id") ?? "", timestamp: Int(request.header("webhook-timestamp") ?? "") ?? 0,
                              body: request.body, signatureHeader: request.header("webhook-signature") ?? ""))
        try await recorder.wait(timeout: 10, "the receipt of the test send") { _ in !receipts().isEmpty }
        #expect(receipts().first?.status == .sent && receipts().first?.httpStatus == 200)
        #expect(receipts().first?.dispatchId == request.header("webhook-id"))

        failing.set()
        let failed = try await testSend(config: config, broker: broker, directory: directory)
        #expect(failed.code == 1, "a failed test send exits 1: \(failed.output)")
        try await recorder.wait(timeout: 10, "the failed receipt") { _ in receipts().count >= 2 }
        let last = try #require(receipts().last)
        #expect(last.status == .failed && last.httpStatus == 500 && (last.error ?? "").contains("would be retried"))
        #expect(receiver.requests.filter { $0.path == "/hook" }.count == 2, "one attempt per test send, never a retry")
        recorder.stop()
        receiver.stop()
        broker.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aKillDuringScheduledRetriesLosesNoneAndSendsNoneTwice() async throws {
        let failing = Flag()
        failing.set()
        let receiver = try await TestHTTPServer.start { _ in failing.isSet ? ScriptedHTTPResponse(status: 503) : .ok }
        let pipeline = try await ProcessPipeline("webhook-kill-retries", receiver: receiver, configYAML: {
            TestConfig.singleWebhook(receiverURL: $0, retrySchedule: "[1s, 2s, 2s, 2s, 2s, 2s, 2s, 2s, 2s, 2s, 2s, 2s]")
        })
        try await pipeline.start()
        let gateway = pipeline["webhook-gateway"]
        let publisher = try SteadyPublisher(broker: pipeline.broker)
        try await publisher.client.waitUntilConnected(timeout: 10)
        let count = 30
        for index in 0..<count { publisher.publish("alerting/in/acme/plc", Data(SystemHarness.alert(index).utf8)) }
        try await publisher.flush(timeout: 30)

        // Every delivery failed at least once and waits in the gateway's table for its next attempt.
        func scheduled() -> Int {
            (try? DatabaseQueue(path: gateway.databasePath).read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND not_before > 0 AND attempts > 0")
            } ?? 0) ?? 0
        }
        let deadline = Date().addingTimeInterval(60)
        while scheduled() < count, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(scheduled() == count, "all \(count) deliveries failed once and wait for a retry")
        try await offThePool { gateway.kill() }
        // An attempt the gateway sent just before it died may reach the receiver after: it must still be refused, or the
        // gateway (which never learnt of its success) would rightly send it again.
        try await Task.sleep(nanoseconds: 500_000_000)
        let before = pipeline.hookRequests.count
        failing.clear()
        try await pipeline.start(gateway)
        // After the restart the receiver answers 200 to everything: each alert's dispatch goes out once.
        func accepted() -> [String] { pipeline.hookRequests.dropFirst(before).compactMap(SystemHarness.dedupKey) }
        let acceptDeadline = Date().addingTimeInterval(90)
        while Set(accepted()).count < count, Date() < acceptDeadline { try await Task.sleep(nanoseconds: 100_000_000) }
        try await Task.sleep(nanoseconds: 500_000_000)
        let accepted = accepted()
        #expect(accepted.count == count && Set(accepted).count == count, "\(accepted.count) accepted posts for \(count) alerts")

        // /metrics counts the restarted gateway's work: 30 delivered attempts and deliveries, a latency histogram,
        // and only bounded labels (service, channel, a fixed set of statuses, results and failure types).
        var metrics = await HTTPProbe.get(gateway.metricsURL).body
        let metricsDeadline = Date().addingTimeInterval(10)
        while series(metrics, "alerting_gateway_deliveries_total", ["channel=\"webhook\"", "status=\"sent\""]) != Double(count), Date() < metricsDeadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            metrics = await HTTPProbe.get(gateway.metricsURL).body
        }
        #expect(series(metrics, "alerting_gateway_deliveries_total", ["service=\"webhook-gateway\"", "channel=\"webhook\"", "status=\"sent\""]) == Double(count))
        #expect(series(metrics, "alerting_gateway_delivery_attempts_total", ["channel=\"webhook\"", "result=\"delivered\""]) == Double(count))
        #expect(series(metrics, "alerting_gateway_delivery_duration_seconds_count", ["channel=\"webhook\""]) ?? 0 >= Double(count))
        #expect(series(metrics, "alerting_gateway_delivery_failures_total", ["channel=\"webhook\"", "type=\"server_error\""]) != nil)
        let gatewaySeries = metrics.split(separator: "\n").filter { $0.hasPrefix("gateway_") }
        let labelValues = Set(gatewaySeries.flatMap { line in
            line.split(separator: "{").dropFirst().first?.split(separator: "}").first?.split(separator: ",").map(String.init) ?? []
        })
        #expect(labelValues.count < 60, "bounded labels: \(labelValues.sorted())")
        #expect(!labelValues.contains { $0.contains("acme") || $0.contains("127.0.0.1") }, "no tenant or host in a label")

        await pipeline.stop()
        publisher.stop()
        for (service, report) in try pipeline.integrityReports() { #expect(report == ["ok"], "\(service): \(report)") }
    }

    /// The value of the one series of `metric` whose labels contain every one of `labels`; nil if none, or several.
    private func series(_ exposition: String, _ metric: String, _ labels: [String]) -> Double? {
        let lines = exposition.split(separator: "\n").filter { line in
            line.hasPrefix(metric + "{") && labels.allSatisfy { line.contains($0) }
        }
        guard lines.count == 1 else { return nil }
        return Double(lines[0].split(separator: " ").last ?? "")
    }
}

/// A switch shared with a scripted responder.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
    func clear() { lock.withLock { value = false } }
}
