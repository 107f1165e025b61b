// Mosquitto with the production files: broker/mosquitto.prod.conf, the ACL and password file the broker/ scripts write.
import Foundation
import Logging
import MQTT
import TestSupport

final class ProductionBroker: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    /// The services listener (1883 in production).
    let port: Int
    /// The devices, people and operators listener (1884), where the client id is the account name.
    let clientsPort: Int
    /// The same accounts over TLS (8883), with the CA and server certificate broker/make-certs.sh wrote for 127.0.0.1.
    let tlsPort: Int
    let accounts: [String]
    /// account → kind (`service`, `operator`, `device`, `person`), as make-accounts.sh listed them.
    let kinds: [String: String]
    private let process: ChildProcess
    var url: String { "mqtt://127.0.0.1:\(port)" }
    var clientsURL: String { "mqtt://127.0.0.1:\(clientsPort)" }
    var certificates: URL { directory.appendingPathComponent("certs") }

    /// The listener an account belongs on: services on theirs, everyone else on the clients listener.
    func url(for account: String) -> String { kinds[account] == "service" ? url : clientsURL }

    /// The password of every account in the test: derived from its name, as make-passwords.sh reads it.
    static func password(_ account: String) -> String { "pw-\(account)-\(account.count)" }

    /// Runs make-accounts.sh on `config` and make-passwords.sh with one MQTT_PASSWORD_* per account, then the broker.
    init(config: URL = root.appendingPathComponent("config/alerting.example.yaml")) throws {
        directory = temporaryDirectory("prod-broker")
        let generated = directory.appendingPathComponent("generated")
        try ProductionBroker.run(["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-accounts.sh").path, config.path, generated.path],
                                 log: directory.appendingPathComponent("make-accounts.log"))
        let accountList = try String(contentsOf: generated.appendingPathComponent("accounts"), encoding: .utf8)
        let listed = accountList.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 2 }
        let accounts = listed.map { $0[1] }
        self.accounts = accounts
        kinds = Dictionary(listed.map { ($0[1], $0[0]) }, uniquingKeysWith: { first, _ in first })
        let variables = accounts.map { account in
            let name = account.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? String($0) : "_" }.joined()
            return "MQTT_PASSWORD_\(name)=\(ProductionBroker.password(account))"
        }
        try ProductionBroker.run(["/usr/bin/env"] + variables + ["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-passwords.sh").path,
                                  generated.appendingPathComponent("accounts").path, generated.appendingPathComponent("passwords").path],
                                 log: directory.appendingPathComponent("make-passwords.log"))

        try ProductionBroker.run(["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-certs.sh").path, "127.0.0.1",
                                  directory.appendingPathComponent("certs").path],
                                 log: directory.appendingPathComponent("make-certs.log"))

        let port = MosquittoBroker.freePort()
        self.port = port
        let clientsPort = MosquittoBroker.freePort()
        self.clientsPort = clientsPort
        let tlsPort = MosquittoBroker.freePort()
        self.tlsPort = tlsPort
        let directory = self.directory
        let production = try String(contentsOf: ProductionBroker.root.appendingPathComponent("broker/mosquitto.prod.conf"), encoding: .utf8)
        var lines = try production.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            switch line {
            case "listener 1883": return "listener \(port) 127.0.0.1"
            case "listener 1884": return "listener \(clientsPort) 127.0.0.1"
            case "listener 8883": return "listener \(tlsPort) 127.0.0.1"
            case "log_dest stdout": return "log_dest file \(directory.appendingPathComponent("mosquitto.log").path)"
            default:
                return String(line)
                    .replacingOccurrences(of: "/mosquitto/config/passwords", with: generated.appendingPathComponent("passwords").path)
                    .replacingOccurrences(of: "/mosquitto/config/certs/", with: directory.appendingPathComponent("certs").path + "/")
                    .replacingOccurrences(of: "/mosquitto/config/acl", with: generated.appendingPathComponent("acl").path)
                    .replacingOccurrences(of: "/mosquitto/config/dynamic-security.json",
                                          with: generated.appendingPathComponent("dynamic-security.json").path)
                    .replacingOccurrences(of: "/usr/lib/mosquitto_dynamic_security.so", with: try ProductionBroker.dynamicSecurityPlugin())
                    .replacingOccurrences(of: "/mosquitto/data/", with: directory.path + "/")
            }
        }
        // As root, mosquitto would switch to the "mosquitto" user and lose access to the temp directory.
        if geteuid() == 0 { lines.append("user root") }
        let configFile = directory.appendingPathComponent("mosquitto.conf")
        try lines.joined(separator: "\n").write(to: configFile, atomically: true, encoding: .utf8)
        process = try ChildProcess(executable: try ProductionBroker.mosquitto(), arguments: ["-c", configFile.path], output: nil)
        let deadline = Date().addingTimeInterval(10)
        while ![port, clientsPort, tlsPort].allSatisfy(ProductionBroker.accepts(port:)) {
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

    /// Where the mosquitto package keeps the dynamic-security plugin (the production file names the image's path).
    static func dynamicSecurityPlugin() throws -> String {
        let candidates = ["/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
                          "/usr/lib/mosquitto_dynamic_security.so", "/usr/local/lib/mosquitto_dynamic_security.so"]
        guard let found = candidates.first(where: FileManager.default.fileExists(atPath:)) else {
            throw ServiceProcessError(message: "mosquitto_dynamic_security.so not found in \(candidates)")
        }
        return found
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

    /// Runs mosquitto_pub once (connect, one QoS 1 publish, disconnect) and returns its exit status and output:
    /// an outsider's attempt, made exactly like one would from a shell.
    func mosquittoPub(account: String, password: String? = nil, port: Int, clientID: String, topic: String,
                      message: String = "x", tlsCAFile: URL? = nil, host: String = "127.0.0.1") throws -> (status: Int32, output: String) {
        var arguments = ["-h", host, "-p", "\(port)", "-V", "5", "-q", "1", "-i", clientID, "-u", account,
                         "-P", password ?? ProductionBroker.password(account), "-t", topic, "-m", message]
        if let tlsCAFile { arguments += ["--cafile", tlsCAFile.path] }
        return try runClientTool("mosquitto_pub", arguments)
    }

    /// Runs mosquitto_sub until its subscription is refused (that ends it: "All subscription requests were denied"),
    /// or for two seconds, and returns its exit status and output.
    func mosquittoSub(account: String, port: Int, topic: String) throws -> (status: Int32, output: String) {
        try runClientTool("mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(port)", "-V", "5", "-q", "1", "-u", account,
                                            "-P", ProductionBroker.password(account), "-t", topic, "-d"], timeout: 2)
    }

    /// Runs a Mosquitto client tool; one still running after `timeout` seconds is killed (mosquitto_sub 2.0.11 outlives
    /// SIGTERM and its own `-W` once subscribed).
    private func runClientTool(_ tool: String, _ arguments: [String], timeout: Double = 10) throws -> (status: Int32, output: String) {
        let log = directory.appendingPathComponent("\(tool)-\(UUID().uuidString.prefix(8)).log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
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
    private var connects = 0

    /// `url` defaults to the account's own listener; `clientID` to a fresh one; `cleanSession` false keeps a persistent session.
    init(_ broker: ProductionBroker, account: String, password: String? = nil, subscriptions: [String] = [],
         url: String? = nil, clientID: String? = nil, cleanSession: Bool = true, configure: (inout MQTTSettings) -> Void = { _ in }) throws {
        var settings = try MQTTSettings.parse(url: url ?? broker.url(for: account), clientID: clientID ?? "acl-\(account)-\(UUID().uuidString.prefix(6))")
        settings.cleanSession = cleanSession
        configure(&settings)
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
    func mqttConnected() { lock.withLock { connects += 1 } }
    /// How often this client connected: more than once means the broker closed its connection at some point.
    var connectCount: Int { lock.withLock { connects } }

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
