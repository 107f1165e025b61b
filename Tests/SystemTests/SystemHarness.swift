// The whole pipeline for system tests: real broker, ingest and webhook-gateway in-process, router as a process, HTTP receiver.
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import Ingest
import Router
import ServiceKit
import TestSupport
import WebhookGateway

struct SystemHarness {
    static let secret = "whsec_" + Data("system-test-signing-secret".utf8).base64EncodedString()

    let directory: URL
    let broker: MosquittoBroker
    let receiver: TestHTTPServer
    let config: URL
    let ingest: InProcessService
    let gateway: InProcessService
    let router: ServiceProcess
    let status: BusRecorder

    static func start(_ name: String) async throws -> SystemHarness {
        let directory = temporaryDirectory(name)
        let broker = try MosquittoBroker()
        let receiver = try await TestHTTPServer.start()
        let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: receiver.url, retrySchedule: "[0.05, 0.1, 0.2, 0.5]"),
                                          in: directory)
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/#"])
        let ingest = InProcessService(runtime: try IngestService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
            try await IngestService.run($0, installSignalHandlers: false)
        }
        let provider = WebhookProvider(environment: ["TEST_WEBHOOK_SECRET": secret])
        let gateway = InProcessService(runtime: try WebhookGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("webhook-gateway"), broker: broker))) {
            try await WebhookGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 4),
                                                installSignalHandlers: false)
        }
        let router = try ServiceProcess(name: "router", arguments: ServiceProcess.commonArguments(
            config: config, dataDir: directory.appendingPathComponent("router"), broker: broker.url, clientID: "router-under-test"),
            logFile: directory.appendingPathComponent("router.log"))
        try router.start()
        try await ingest.waitUntilConnected()
        try await gateway.waitUntilConnected()
        try await SystemHarness.waitForOnline("router", status)
        return SystemHarness(directory: directory, broker: broker, receiver: receiver, config: config, ingest: ingest,
                             gateway: gateway, router: router, status: status)
    }

    /// The router's retained status turns `online` once it is connected and subscribed.
    static func waitForOnline(_ service: String, _ status: BusRecorder, after index: Int = 0) async throws {
        try await status.wait(timeout: 20, "\(service) online") { messages in
            messages.dropFirst(index).contains { $0.topic == "alerting/status/\(service)" && String(decoding: $0.payload, as: UTF8.self) == "online" }
        }
    }

    func restartRouter() async throws {
        let seen = status.messages.count
        try router.start()
        try await SystemHarness.waitForOnline("router", status, after: seen)
    }

    /// Webhook requests at the receiver's hook path.
    var hookRequests: [RecordedHTTPRequest] { receiver.requests.filter { $0.path == "/hook" } }

    func waitForHooks(_ count: Int, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while hookRequests.count < count {
            guard Date() < deadline else {
                throw ServiceProcessError(message: "receiver got \(hookRequests.count) of \(count) webhooks in \(timeout)s; router log:\n\(router.log.suffix(2000))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    func stop() async {
        router.terminate()
        await gateway.stop()
        await ingest.stop()
        status.stop()
        receiver.stop()
        broker.stop()
    }

    static func alert(_ index: Int) -> String {
        #"{"dedup_key":"k-\#(index)","summary":"Alert \#(index)","severity":"critical","service":"press-line","category":"production"}"#
    }

    /// The dedup key inside a generic webhook's body.
    static func dedupKey(of request: RecordedHTTPRequest) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let data = object["data"] as? [String: Any], let alert = data["alert"] as? [String: Any] else { return nil }
        return alert["dedup_key"] as? String
    }

    static func signatureIsValid(_ request: RecordedHTTPRequest) -> Bool {
        guard let id = request.header("webhook-id"), let timestamp = request.header("webhook-timestamp").flatMap(Int.init),
              let signature = request.header("webhook-signature") else { return false }
        return WebhookSigner(secret: secret).verify(id: id, timestamp: timestamp, body: request.body, signatureHeader: signature)
    }
}
