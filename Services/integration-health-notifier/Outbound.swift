// A message the notifier publishes once its transaction commits.
import Foundation

public struct Outbound: Sendable, Equatable {
    public var topic: String
    public var payload: Data
    public var retain: Bool

    public init(topic: String, payload: Data, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }
}
