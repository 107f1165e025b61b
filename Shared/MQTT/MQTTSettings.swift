// Where and how an MQTTClient connects: broker address, identity, session and retry policy.
import Foundation

public struct MQTTSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var clientID: String
    public var username: String?
    public var password: String?
    /// TLS (`mqtts://`); nil is plain MQTT.
    public var tls: MQTTTLS?
    /// Subscriptions keep the retain flag a message was published with (MQTT v5 retain-as-published), so a consumer
    /// can tell a live retained publish from an ordinary one (ingest refuses retained intake).
    public var retainAsPublished = false
    /// Seconds between PINGREQs when idle; libmosquitto accepts 5...65535.
    public var keepAlive: Int = 30
    /// false keeps a persistent session: the broker queues QoS 1 messages while we are away.
    public var cleanSession: Bool = false
    /// Last will "offline" (retained, QoS 1); "online" retained on every connect; "offline" on graceful shutdown.
    public var statusTopic: String?
    /// Topic filters subscribed at QoS 0 with no retained messages: only what is published while we are connected
    /// arrives, and nothing is queued for us while we are away. For presence (who is consuming right now), where a
    /// stale message from a retained store, a broker snapshot or a session queue would be wrong.
    public var liveSubscriptions: [String] = []
    /// What a channel consumer says about itself (`MQTTPresence`); needs `statusTopic`.
    public var presence: MQTTPresence?
    /// Unacknowledged QoS 1 messages the broker may send us (MQTT v5 receive maximum): the upper bound of a
    /// consumer's batch, since a batch is acknowledged only after its commit.
    public var receiveMaximum: Int = 1000
    /// Our own unacknowledged QoS 1 publishes (MQTT v5 send maximum). Kept small on purpose: libmosquitto walks its
    /// whole in-flight list for every PUBACK (`message__release_to_inflight`), so the cost of an acknowledgement
    /// grows with the window; at 1000 that walk was a third of ingest's CPU at full load. 100 covers a PUBACK
    /// round trip of 20 ms at 5,000 publishes/s.
    public var sendMaximum: Int = 100
    /// Publishes go out on a second connection (client id `clientID` + `-pub`, same account, persistent session, no
    /// subscriptions, no status or will), so their PUBACKs never queue behind the messages the broker is sending us.
    /// On one connection they do: a consumer with a backlog at the broker has a receive window of messages
    /// (`receiveMaximum`) ahead of every PUBACK, so each of its publishes waits for that window to be read and
    /// committed, and the `sendMaximum` window of publishes crawls. Mosquitto 2.0.11 (2.0.13 fixed it, #2306) does not
    /// even keep to the receive maximum once a backlog is queued (every PUBACK of ours releases up to
    /// `max_inflight_messages` more), so there the whole backlog is ahead of the PUBACKs and publishing stops.
    /// For services, which consume and publish; `MQTTSink.mqttDelivered` and `mqttRefused` then arrive on that
    /// connection's thread, not on the one that calls `mqttReceived`.
    public var publishesOnOwnConnection = false
    public var reconnectDelayMin: Double = 0.1
    public var reconnectDelayMax: Double = 10
    /// How long the broker keeps a persistent session after we disconnect; UInt32.max means forever.
    public var sessionExpiry: UInt32 = .max
    /// Upper bound on the messages handed to `MQTTSink.mqttReceived` in one call.
    public var receiveBatchLimit: Int = 500
    /// How long the loop waits for traffic before it lets the sink do deferred work (`MQTTSink.mqttIdle`).
    public var idleDelay: Double = 0.02

    public init(clientID: String, host: String = "127.0.0.1", port: Int = 1883) {
        self.clientID = clientID
        self.host = host
        self.port = port
    }

    /// The settings of the publishing connection (`publishesOnOwnConnection`): nothing but publishes.
    var publishingConnection: MQTTSettings {
        var settings = self
        if !clientID.isEmpty { settings.clientID = clientID + "-pub" }
        settings.statusTopic = nil
        settings.presence = nil
        settings.liveSubscriptions = []
        settings.publishesOnOwnConnection = false
        return settings
    }

    /// host:port, safe to log (never the password); `mqtts://` in front when TLS is on.
    public var endpoint: String { tls == nil ? "\(host):\(port)" : "mqtts://\(host):\(port)" }
}
