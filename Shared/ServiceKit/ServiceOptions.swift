// The flags every executable takes.
import ArgumentParser
import Contracts
import Logging

public struct ServiceOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "The alerting configuration file (YAML).")
    public var config: String = "config/alerting.example.yaml"

    @Option(name: .customLong("data-dir"), help: "Directory of this service's SQLite file.")
    public var dataDir: String = "data"

    @Option(name: .long, help: "Broker URL, mqtt://HOST:PORT or mqtts://HOST:PORT for TLS (default: broker.url of the configuration).")
    public var broker: String?

    @Option(name: .customLong("mqtt-ca-file"), help: "With mqtts://: PEM file of the CA that signed the broker's certificate (default: broker.tls.ca_file, else the system's CAs).")
    public var mqttCAFile: String?

    @Option(name: .customLong("mqtt-cert-file"), help: "With mqtts://: this client's PEM certificate, for a broker that requires one (default: broker.tls.cert_file).")
    public var mqttCertFile: String?

    @Option(name: .customLong("mqtt-key-file"), help: "With mqtts://: the key of --mqtt-cert-file (default: broker.tls.key_file).")
    public var mqttKeyFile: String?

    @Flag(name: .customLong("mqtt-no-verify-hostname"), help: "With mqtts://: accept a broker certificate that does not name the host (default: broker.tls.verify_hostname, true).")
    public var mqttNoVerifyHostname = false

    @Option(name: .long, help: "HTTP listen address HOST:PORT for /healthz, /metrics and callbacks (default: the service's own port).")
    public var http: HTTPAddress?

    @Option(name: .customLong("log-level"), help: "The least severe log level written.")
    public var level: Logger.Level = .info

    @Option(name: .long, help: "Tenant partition i/n: own the tenants whose stable hash mod n is i.")
    public var partition: Partition = .all

    @Option(name: .customLong("client-id"), help: "MQTT client id (default: alerting-SERVICE-i-of-n); keep it fixed across restarts.")
    public var clientID: String?

    @Option(name: .customLong("mqtt-username"), help: "Broker account; the password comes from the environment variable MQTT_PASSWORD.")
    public var mqttUsername: String?

    public init() {}

    /// Sets up swift-log once per process: one line per record on standard error.
    public static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

public struct HTTPAddress: Sendable, Equatable, ExpressibleByArgument {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    public init?(argument: String) { self.init(argument) }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(text[..<colon])
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension Partition: ExpressibleByArgument {
    /// `i/n` with 0 <= i < n.
    public init?(argument: String) { self.init(argument) }

    public var defaultValueDescription: String { description }
}
