// What a channel consumer (a gateway) says about itself on `alerting/consumers/{service}`, retained.
import Foundation

/// `{"service": "webhook-gateway", "channels": ["webhook"]}`. The router holds a channel's dispatches in its outbox
/// until a service that announced the channel is heard "online" on `alerting/status/{service}`; see docs/mqtt.md.
public struct ConsumerAnnouncement: Codable, Sendable, Equatable {
    public var service: String
    public var channels: [String]

    public init(service: String, channels: [String]) {
        self.service = service
        self.channels = channels
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> ConsumerAnnouncement {
        try JSONDecoder().decode(ConsumerAnnouncement.self, from: data)
    }
}
