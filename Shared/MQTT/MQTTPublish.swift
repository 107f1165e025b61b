// A message to publish, with an optional token reported back once the broker acknowledged it.
import Foundation

public struct MQTTPublish: Sendable, Equatable {
    public var topic: String
    public var payload: Data
    public var qos: Int
    public var retain: Bool
    /// E.g. an outbox row id; handed to `MQTTSink.mqttDelivered` after the PUBACK.
    public var token: Int64?

    public init(topic: String, payload: Data, qos: Int = 1, retain: Bool = false, token: Int64? = nil) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.token = token
    }
}
