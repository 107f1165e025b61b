// Our system as it runs in production: mosquitto (dev config, persistence on) + each service's release executable.
import Foundation
import Harness
import HTTPClient

// @unchecked: start() and stop() run on the bench thread; send() and backlog only touch the thread-safe MQTT client.
final class PipelineSystem: SystemUnderTest, @unchecked Sendable {
    /// Extend this list as services land; optional ones are skipped while they do no real work.
    static let defaultServices = [
        ServiceSpec(name: "ingest", optional: false),
        ServiceSpec(name: "router", optional: false),
        ServiceSpec(name: "webhook-gateway", optional: false),
        ServiceSpec(name: "escalator", optional: true),
    ]
    static let secretEnv = "BENCH_WEBHOOK_SECRET"

    let name = "alerting (ingest → router → webhook-gateway)"
    private let setup: BenchSetup
    private var broker: BenchBroker?
    private var running: [(name: String, process: ChildProcess)] = []
    private var publisher: BenchMQTTClient?
    private(set) var notes: [String] = []

    init(setup: BenchSetup) { self.setup = setup }

    var processes: [(name: String, pid: Int32)] {
        (broker.map { [("mosquitto", $0.process.pid)] } ?? []) + running.map { ($0.name, $0.process.pid) }
    }

    func start() throws {
        let base = setup.directory.appendingPathComponent("alerting")
        let broker = try BenchBroker(devConfig: setup.brokerConfig, directory: base.appendingPathComponent("mosquitto"),
                                     executable: setup.mosquitto)
        self.broker = broker
        let config = base.appendingPathComponent("alerting.yaml")
        try PipelineSystem.config(receiverURL: setup.receiverURL, brokerURL: broker.url)
            .write(to: config, atomically: true, encoding: .utf8)
        setenv(PipelineSystem.secretEnv, "whsec_" + Data("bench-signing-secret".utf8).base64EncodedString(), 1)
        for service in setup.services {
            let executable = setup.binDir.appendingPathComponent(service.name)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                if service.optional { notes.append("\(service.name): no executable in \(setup.binDir.path), not started"); continue }
                throw BenchError(code: .service, message: "\(executable.path) missing: build with `swift build -c release`")
            }
            let httpPort = LocalPorts.free()
            let log = base.appendingPathComponent("\(service.name).log")
            let process = try ChildProcess(executable: executable.path, arguments: [
                "--config", config.path, "--data-dir", base.appendingPathComponent(service.name).path, "--broker", broker.url,
                "--http", "127.0.0.1:\(httpPort)", "--log-level", "warning", "--client-id", "bench-\(service.name)",
            ], output: log.path)
            if try waitUntilHealthy(service.name, process: process, port: httpPort, log: log, optional: service.optional) {
                running.append((service.name, process))
            }
        }
        publisher = try BenchMQTTClient(brokerURL: broker.url, clientID: "bench-publisher")
    }

    /// /healthz says ok once the store works and the MQTT client is connected and subscribed.
    private func waitUntilHealthy(_ name: String, process: ChildProcess, port: Int, log: URL, optional: Bool) throws -> Bool {
        let client = HTTPClient(connectTimeout: 1)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if case .success(let response) = client.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/healthz", timeout: 1)),
               response.isSuccess {
                return true
            }
            if !process.isRunning {
                if optional {
                    notes.append("\(name): exited at start (not a running service yet), not part of the pipeline")
                    return false
                }
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw BenchError(code: .service, message: "\(name) exited at start:\n\(text.suffix(2000))")
            }
            usleep(50_000)
        }
        process.stop(signal: SIGKILL)
        throw BenchError(code: .service, message: "\(name) not healthy after 60 s; see \(log.path)")
    }

    func send(_ batch: [(seq: Int, sentNanos: UInt64)]) {
        publisher?.publish(batch) { "alerting/in/acme/plc-\($0 % 16)" }
    }

    var backlog: Int { publisher?.client.pendingPublishes ?? 0 }

    func stop() {
        publisher?.stop()
        // Newest first, the broker last, as scripts/run does.
        for service in running.reversed() { service.process.stop(signal: SIGTERM, timeout: 30) }
        broker?.stop()
    }

    /// One tenant, one service whose generic webhook (signed) points at the bench's receiver; nothing else routes.
    static func config(receiverURL: String, brokerURL: String) -> String {
        """
        broker:
          url: \(brokerURL)
          topic_root: alerting
        limits:
          max_payload_bytes: 8192
        tenants:
          - id: acme
            name: Acme
            users:
              - id: bob
                name: Bob
                roles: [admin]
                email: bob@acme.example.test
            services:
              - id: press-line
                name: Press line
                owners: [bob]
                notification_channels: [webhook]
                webhooks:
                  - id: receiver
                    name: Bench receiver
                    type: generic
                    url: \(receiverURL)/hook
                    secret_env: \(secretEnv)

        """
    }
}
