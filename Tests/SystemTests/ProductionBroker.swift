// Mosquitto with the production files: broker/mosquitto.prod.conf, the ACL and password file the broker/ scripts write.
import Foundation
import Logging
import MQTT
import TestSupport

final class ProductionBroker: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    let port: Int
    let accounts: [String]
    private let process: ChildProcess
    var url: String { "mqtt://127.0.0.1:\(port)" }

    /// The password of every account in the test: derived from its name, as make-passwords.sh reads it.
    static func password(_ account: String) -> String { "pw-\(account)-\(account.count)" }

    /// Runs make-accounts.sh on `config` and make-passwords.sh with one MQTT_PASSWORD_* per account, then the broker.
    init(config: URL = root.appendingPathComponent("config/alerting.example.yaml")) throws {
        directory = temporaryDirectory("prod-broker")
        let generated = directory.appendingPathComponent("generated")
        try ProductionBroker.run(["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-accounts.sh").path, config.path, generated.path],
                                 log: directory.appendingPathComponent("make-accounts.log"))
        let accountList = try String(contentsOf: generated.appendingPathComponent("accounts"), encoding: .utf8)
        let accounts = accountList.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
        self.accounts = accounts
        let variables = accounts.map { account in
            let name = account.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? String($0) : "_" }.joined()
            return "MQTT_PASSWORD_\(name)=\(ProductionBroker.password(account))"
        }
        try ProductionBroker.run(["/usr/bin/env"] + variables + ["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-passwords.sh").path,
                                  generated.appendingPathComponent("accounts").path, generated.appendingPathComponent("passwords").path],
                                 log: directory.appendingPathComponent("make-passwords.log"))

        let port = MosquittoBroker.freePort()
        self.port = port
        let directory = self.directory
        let production = try String(contentsOf: ProductionBroker.root.appendingPathComponent("broker/mosquitto.prod.conf"), encoding: .utf8)
        var lines = production.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            switch line {
            case "listener 1883": return "listener \(port) 127.0.0.1"
            case "log_dest stdout": return "log_dest file \(directory.appendingPathComponent("mosquitto.log").path)"
            default:
                return String(line)
                    .replacingOccurrences(of: "/mosquitto/config/passwords", with: generated.appendingPathComponent("passwords").path)
                    .replacingOccurrences(of: "/mosquitto/config/acl", with: generated.appendingPathComponent("acl").path)
                    .replacingOccurrences(of: "/mosquitto/data/", with: directory.path + "/")
            }
        }
        // As root, mosquitto would switch to the "mosquitto" user and lose access to the temp directory.
        if geteuid() == 0 { lines.append("user root") }
        let configFile = directory.appendingPathComponent("mosquitto.conf")
        try lines.joined(separator: "\n").write(to: configFile, atomically: true, encoding: .utf8)
        process = try ChildProcess(executable: try ProductionBroker.mosquitto(), arguments: ["-c", configFile.path], output: nil)
        let deadline = Date().addingTimeInterval(10)
        while !ProductionBroker.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                process.stop(signal: SIGKILL)
                let log = (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
                throw ServiceProcessError(message: "production broker did not start: \(log)")
            }
            usleep(10_000)
        }
    }

    func stop() { process.stop(signal: SIGTERM, timeout: 10) }
    deinit {
        process.stop(signal: SIGKILL, timeout: 5)
        try? FileManager.default.removeItem(at: directory)
    }

    static func mosquitto() throws -> String {
        for candidate in ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw ServiceProcessError(message: "mosquitto not found")
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Runs a script to completion; throws with its output when it fails.
    static func run(_ command: [String], log: URL, expect: String? = "wrote") throws {
        let child = try ChildProcess(executable: command[0], arguments: Array(command.dropFirst()), output: log.path)
        let deadline = Date().addingTimeInterval(30)
        while child.isRunning {
            guard Date() < deadline else { child.stop(signal: SIGKILL); throw ServiceProcessError(message: "\(command[1]) hung") }
            usleep(10_000)
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard expect.map(output.contains) ?? true else { throw ServiceProcessError(message: "\(command.joined(separator: " ")) failed: \(output)") }
    }
}

/// One account on the production broker: subscribes to its filters and records what it receives.
final class AccountClient: MQTTSink, @unchecked Sendable {
    let client: MQTTClient
    private let lock = NSLock()
    private var received: [MQTTMessage] = []

    init(_ broker: ProductionBroker, account: String, password: String? = nil, subscriptions: [String] = []) throws {
        var settings = try MQTTSettings.parse(url: broker.url, clientID: "acl-\(account)-\(UUID().uuidString.prefix(6))")
        settings.cleanSession = true
        settings.username = account
        settings.password = password ?? ProductionBroker.password(account)
        var logger = Logger(label: "test.acl.\(account)")
        logger.logLevel = .critical
        client = MQTTClient(settings: settings, subscriptions: subscriptions, logger: logger)
        client.sink = self
        try client.start()
    }

    var messages: [MQTTMessage] { lock.withLock { received } }
    func mqttReceived(_ batch: [MQTTMessage]) throws { lock.withLock { received.append(contentsOf: batch) } }
    func mqttDelivered(tokens: [Int64]) {}
    func mqttConnected() {}

    func publish(_ topic: String, _ payload: String) { client.publish(MQTTPublish(topic: topic, payload: Data(payload.utf8))) }

    func flush() async throws {
        let deadline = Date().addingTimeInterval(10)
        while client.pendingPublishes > 0 {
            guard Date() < deadline else { throw ServiceProcessError(message: "\(client.settings.username ?? "?"): publishes not acknowledged") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    func stop() { client.shutdown(timeout: 2) }
}
