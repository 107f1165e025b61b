// Where the MQTT broker is and under which topic root the system lives.

public struct BrokerConfig: Sendable, Equatable, Codable {
    /// `mqtt://host:port` (or `mqtts://`); the `--broker` flag overrides it.
    public var url: String
    /// First segment of every topic.
    public var topicRoot: String
    /// Used with an `mqtts://` URL; the `--mqtt-ca-file`, `--mqtt-cert-file`, `--mqtt-key-file` flags override it.
    public var tls: BrokerTLSConfig
    /// How long each service keeps what the broker acknowledged, to publish it again if the broker crashed and lost it
    /// (at least the broker's snapshot interval, `autosave_interval`, plus a margin; 0 turns it off), and at most how
    /// many rows and payload bytes it keeps (the oldest go first).
    public var replayWindow: ConfigDuration
    public var replayMaxRows: Int
    public var replayMaxBytes: Int

    public static let defaultURL = "mqtt://127.0.0.1:1883"
    public static let defaultTopicRoot = "alerting"

    public static let defaultReplayWindow = ConfigDuration.seconds(30)
    public static let defaultReplayMaxRows = 200_000
    public static let defaultReplayMaxBytes = 256 << 20

    public init(url: String = BrokerConfig.defaultURL, topicRoot: String = BrokerConfig.defaultTopicRoot, tls: BrokerTLSConfig = BrokerTLSConfig(),
                replayWindow: ConfigDuration = BrokerConfig.defaultReplayWindow, replayMaxRows: Int = BrokerConfig.defaultReplayMaxRows,
                replayMaxBytes: Int = BrokerConfig.defaultReplayMaxBytes) {
        self.url = url
        self.topicRoot = topicRoot
        self.tls = tls
        self.replayWindow = replayWindow
        self.replayMaxRows = replayMaxRows
        self.replayMaxBytes = replayMaxBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
        case topicRoot = "topic_root"
        case tls
        case replayWindow = "replay_window"
        case replayMaxRows = "replay_max_rows"
        case replayMaxBytes = "replay_max_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        url = try r.value(.url, default: Self.defaultURL)
        topicRoot = try r.value(.topicRoot, default: Self.defaultTopicRoot)
        tls = try r.value(.tls, default: BrokerTLSConfig())
        replayWindow = try r.value(.replayWindow, default: Self.defaultReplayWindow)
        replayMaxRows = try r.value(.replayMaxRows, default: Self.defaultReplayMaxRows)
        replayMaxBytes = try r.value(.replayMaxBytes, default: Self.defaultReplayMaxBytes)
    }
}
