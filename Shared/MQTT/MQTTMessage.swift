// A message received from the broker.
import Foundation

public struct MQTTMessage: Sendable, Equatable {
    public let topic: String
    public let payload: Data
    public let retain: Bool
    public let qos: Int

    public init(topic: String, payload: Data, retain: Bool = false, qos: Int = 1) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
        self.qos = qos
    }
}
