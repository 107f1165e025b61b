// Where the MQTT broker is and under which topic root the system lives.

public struct BrokerConfig: Sendable, Equatable, Codable {
    /// `mqtt://host:port` (or `mqtts://`); the `--broker` flag overrides it.
    public var url: String
    /// First segment of every topic.
    public var topicRoot: String
    /// Used with an `mqtts://` URL; the `--mqtt-ca-file`, `--mqtt-cert-file`, `--mqtt-key-file` flags override it.
    public var tls: BrokerTLSConfig

    public static let defaultURL = "mqtt://127.0.0.1:1883"
    public static let defaultTopicRoot = "alerting"

    public init(url: String = BrokerConfig.defaultURL, topicRoot: String = BrokerConfig.defaultTopicRoot, tls: BrokerTLSConfig = BrokerTLSConfig()) {
        self.url = url
        self.topicRoot = topicRoot
        self.tls = tls
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
        case topicRoot = "topic_root"
        case tls
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        url = try r.value(.url, default: Self.defaultURL)
        topicRoot = try r.value(.topicRoot, default: Self.defaultTopicRoot)
        tls = try r.value(.tls, default: BrokerTLSConfig())
    }
}
