// A consumer's presence on the bus: an announcement of what it consumes, said again whenever someone calls the roll.
import Foundation

/// Published retained at QoS 1 once the subscriptions are in place, on every connect, and again for every message on
/// `rollCallTopic` (subscribed live, see `MQTTSettings.liveSubscriptions`), each time right before the retained
/// "online" on the status topic. A publisher that holds messages until someone consumes them (the router holds a
/// channel's dispatches) calls the roll after each of its own connects and trusts only answers it hears live: a
/// retained "online" may be left from a consumer that died while the broker was down.
public struct MQTTPresence: Sendable, Equatable {
    public var rollCallTopic: String
    public var announcementTopic: String
    public var announcement: Data

    public init(rollCallTopic: String, announcementTopic: String, announcement: Data) {
        self.rollCallTopic = rollCallTopic
        self.announcementTopic = announcementTopic
        self.announcement = announcement
    }
}
