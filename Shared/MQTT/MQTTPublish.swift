// A message to publish, with an optional token reported back once the broker acknowledged it.
import Foundation

public struct MQTTPublish: Sendable, Equatable {
    public var topic: String
    public var payload: Data
    public var qos: Int
    public var retain: Bool
    /// E.g. an outbox row id; handed to `MQTTSink.mqttDelivered` after the PUBACK.
    public var token: Int64?
    /// A PUBACK saying "no matching subscribers" (MQTT v5 reason 0x10) is not a delivery: the message is sent
    /// again later, with backoff, until someone subscribed takes it. For topics whose consumers must get
    /// everything but may be missing for a while, e.g. a shared subscription Mosquitto 2.0.11 drops at a restart
    /// until the gateway subscribes again.
    public var needsSubscriber: Bool

    public init(topic: String, payload: Data, qos: Int = 1, retain: Bool = false, token: Int64? = nil, needsSubscriber: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.token = token
        self.needsSubscriber = needsSubscriber
    }
}
