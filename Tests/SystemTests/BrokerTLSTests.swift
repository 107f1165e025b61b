// TLS on the production broker's 8883 listener: the MQTT client's mqtts:// with a CA file, hostname verification on by
// default, and refusal of a broker whose certificate the client's CA did not sign.
import Foundation
import Logging
import MQTT
import Testing
import TestSupport

/// Counts the MQTT client's failed connection attempts (its "cannot connect" warnings), without timing anything.
final class ConnectFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []
    var count: Int { lock.withLock { failures.count } }
    var reasons: [String] { lock.withLock { failures } }

    func logger() -> Logger {
        Logger(label: "test.tls") { _ in Handler(owner: self) }
    }

    struct Handler: LogHandler {
        let owner: ConnectFailures
        var logLevel: Logger.Level = .warning
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            guard message.description.contains("cannot connect") || message.description.contains("connection lost") else { return }
            owner.lock.withLock { owner.failures.append("\(message) \(metadata?["reason"].map { "\($0)" } ?? "")") }
        }
    }
}

@Suite(.serialized) struct BrokerTLSTests {
    private func client(_ broker: ProductionBroker, host: String = "127.0.0.1", tls: MQTTTLS, log: ConnectFailures? = nil) throws -> MQTTClient {
        var settings = try MQTTSettings.parse(url: "mqtts://\(host):\(broker.tlsPort)", clientID: "tls-test")
        #expect(settings.tls == MQTTTLS(), "mqtts:// turns TLS on, hostname verification included")
        settings.tls = tls
        settings.cleanSession = true
        settings.username = "acme"
        settings.password = ProductionBroker.password("acme")
        settings.reconnectDelayMin = 0.05
        settings.reconnectDelayMax = 0.2
        var quiet = Logger(label: "test.tls")
        quiet.logLevel = .critical
        let client = MQTTClient(settings: settings, subscriptions: [], logger: log?.logger() ?? quiet)
        try client.start()
        return client
    }

    @Test(.timeLimit(.minutes(2)))
    func aClientWithTheBrokersCAConnectsOverTLSAndPublishes() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        let ingest = try AccountClient(broker, account: "ingest", subscriptions: ["alerting/in/#"])
        try await ingest.client.waitUntilConnected(timeout: 10)
        let device = try client(broker, tls: MQTTTLS(caFile: broker.certificates.appendingPathComponent("ca.crt").path))
        try await device.waitUntilConnected(timeout: 10)
        device.publish(MQTTPublish(topic: "alerting/in/acme/over-tls", payload: Data("hello".utf8)))
        let deadline = Date().addingTimeInterval(10)
        while !ingest.messages.contains(where: { $0.topic == "alerting/in/acme/over-tls" }), Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(ingest.messages.contains { $0.topic == "alerting/in/acme/over-tls" && $0.payload == Data("hello".utf8) })
        device.shutdown(timeout: 2)
        ingest.stop()
        broker.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aWrongCAOrAHostTheCertificateDoesNotNameIsRefused() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        // Another CA, with a server certificate of its own that the broker does not use.
        let otherCA = broker.directory.appendingPathComponent("other-ca")
        try ProductionBroker.run(["/bin/bash", ProductionBroker.root.appendingPathComponent("broker/make-certs.sh").path, "127.0.0.1", otherCA.path],
                                 log: broker.directory.appendingPathComponent("other-ca.log"))
        let rightCA = broker.certificates.appendingPathComponent("ca.crt").path
        let wrongLog = ConnectFailures(), hostLog = ConnectFailures()
        let wrongCA = try client(broker, tls: MQTTTLS(caFile: otherCA.appendingPathComponent("ca.crt").path), log: wrongLog)
        // The certificate names 127.0.0.1 only; "localhost" reaches the same broker under a name it does not list.
        let wrongHost = try client(broker, host: "localhost", tls: MQTTTLS(caFile: rightCA), log: hostLog)
        let deadline = Date().addingTimeInterval(20)
        while (wrongLog.count < 2 || hostLog.count < 2), Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(wrongLog.count >= 2, "the wrong CA's client should fail to connect again and again")
        #expect(hostLog.count >= 2, "a host the certificate does not name should be refused")
        #expect(!wrongCA.isConnected && !wrongHost.isConnected)
        // Hostname verification off (and only that): the same "localhost" connection is taken.
        let unverified = try client(broker, host: "localhost", tls: MQTTTLS(caFile: rightCA, verifyHostname: false))
        try await unverified.waitUntilConnected(timeout: 10)
        // The broker side agrees: mosquitto_pub with the wrong CA cannot publish.
        let pub = try broker.mosquittoPub(account: "acme", port: broker.tlsPort, clientID: "x", topic: "alerting/in/acme/x",
                                          tlsCAFile: otherCA.appendingPathComponent("ca.crt"))
        #expect(pub.status != 0, "\(pub.output)")
        [wrongCA, wrongHost, unverified].forEach { $0.shutdown(timeout: 1) }
        broker.stop()
    }
}
