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
    static let minimalName = "alerting (ingest → router → webhook-gateway)"
    static let exampleName = "alerting, example config (Teams + ticketing webhooks; Slack held)"
    static let withoutReplayName = "alerting, replay window off (ingest → router → webhook-gateway)"

    let name: String
    let configuration: PipelineConfiguration
    private let setup: BenchSetup
    private var broker: MosquittoBroker?
    private var running: [(name: String, process: ServiceProcess, httpPort: Int)] = []
    private var publisher: BenchMQTTClient?
    private(set) var notes: [String] = []
    /// `broker.replay_window` for every service (nil: the configuration's own, by default 30 s); "0s" measures what
    /// keeping acknowledged publishes for a broker crash costs.
    let replayWindow: String?

    init(setup: BenchSetup, configuration: PipelineConfiguration = .minimal, name: String = PipelineSystem.minimalName,
         replayWindow: String? = nil) {
        self.setup = setup
        self.configuration = configuration
        self.name = name
        self.replayWindow = replayWindow
    }

    var receiptParts: ReceiptParts { configuration.parts }

    var processes: [(name: String, pid: Int32)] {
        (broker?.pid.map { [("mosquitto", $0)] } ?? []) + running.compactMap { service in service.process.pid.map { (service.name, $0) } }
    }

    func start() throws {
        let base = setup.directory.appendingPathComponent(configuration.directoryName)
        let broker = try MosquittoBroker(baseConfig: setup.brokerConfig, directory: base.appendingPathComponent("mosquitto"),
                                         executable: setup.mosquitto)
        self.broker = broker
        let config = base.appendingPathComponent("alerting.yaml")
        var yaml = try configuration.yaml(receiverURL: setup.receiverURL, brokerURL: broker.url)
        if let replayWindow {
            guard yaml.hasPrefix("broker:\n") || yaml.contains("\nbroker:\n") else {
                throw BenchError(code: .service, message: "the configuration has no top-level broker section to set replay_window in")
            }
            yaml = yaml.hasPrefix("broker:\n") ? "broker:\n  replay_window: \(replayWindow)\n" + yaml.dropFirst("broker:\n".count)
                : yaml.replacingOccurrences(of: "\nbroker:\n", with: "\nbroker:\n  replay_window: \(replayWindow)\n")
        }
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        for (key, value) in configuration.environment(receiverURL: setup.receiverURL) { setenv(key, value, 1) }
        for service in setup.services {
            let executable = setup.binDir.appendingPathComponent(service.name)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                if service.optional { notes.append("\(service.name): no executable in \(setup.binDir.path), not started"); continue }
                throw BenchError(code: .service, message: "\(executable.path) missing: build with `swift build -c release`")
            }
            let httpPort = LocalPorts.free()
            let log = base.appendingPathComponent("\(service.name).log")
            let process = ServiceProcess(executable: executable, arguments: ServiceProcess.commonArguments(
                config: config, dataDir: base.appendingPathComponent(service.name), broker: broker.url, http: "127.0.0.1:\(httpPort)",
                clientID: "bench-\(service.name)"), logFile: log)
            try process.start()
            if try waitUntilHealthy(service.name, process: process, port: httpPort, log: log, optional: service.optional) {
                running.append((service.name, process, httpPort))
            }
        }
        publisher = try BenchMQTTClient(brokerURL: broker.url, clientID: "bench-publisher")
    }

    /// /healthz says ok once the store works and the MQTT client is connected and subscribed.
    private func waitUntilHealthy(_ name: String, process: ServiceProcess, port: Int, log: URL, optional: Bool) throws -> Bool {
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
        process.kill()
        throw BenchError(code: .service, message: "\(name) not healthy after 60 s; see \(log.path)")
    }

    func send(_ batch: [(seq: Int, sentNanos: UInt64)]) {
        publisher?.publish(batch) { "alerting/in/acme/plc-\($0 % 16)" }
    }

    var backlog: Int { publisher?.client.pendingPublishes ?? 0 }

    func stop() {
        publisher?.stop()
        // Newest first, the broker last, as scripts/run does.
        for service in running.reversed() { service.process.terminate(timeout: 30) }
        broker?.stop(timeout: 20)
    }

    func note(_ line: String) { notes.append(line) }

    /// Rows each service keeps for the replay window now (`alerting_replay_window_rows`, recorded every 5 s).
    func replayWindowRows() -> [(service: String, rows: Int)] {
        running.compactMap { service in
            guard case .success(let response) = HTTPClient(connectTimeout: 1).perform(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(service.httpPort)/metrics", timeout: 2)), response.isSuccess else { return nil }
            let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("alerting_replay_window_rows") }
            return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { (service.name, Int($0)) }
        }
    }

    /// Dispatches the router holds in its outbox per channel with no consumer (its /healthz `held`, counted every 5 s).
    func heldDispatches() -> [String: Int] {
        guard let router = running.first(where: { $0.name == "router" }),
              case .success(let response) = HTTPClient(connectTimeout: 1).perform(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(router.httpPort)/healthz", timeout: 2)),
              response.isSuccess,
              let health = try? JSONDecoder().decode(Health.self, from: response.body) else { return [:] }
        return health.held ?? [:]
    }

    /// The part of /healthz the bench reads.
    private struct Health: Decodable {
        let held: [String: Int]?
    }
}
