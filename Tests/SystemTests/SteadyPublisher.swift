// A device on the bus that publishes at a steady rate over a persistent session, so it outlives a broker restart.
import Foundation
import Logging
import MQTT
import TestSupport

final class SteadyPublisher: @unchecked Sendable {
    let client: MQTTClient

    init(broker: MosquittoBroker, clientID: String = "steady-\(UUID().uuidString.prefix(8))", username: String? = nil,
         password: String? = nil) throws {
        var settings = try MQTTSettings.parse(url: broker.url, clientID: clientID)
        // Persistent: unacknowledged publishes are sent again after the broker comes back.
        settings.cleanSession = false
        settings.username = username
        settings.password = password
        var logger = Logger(label: "test.steady-publisher")
        logger.logLevel = .critical
        client = MQTTClient(settings: settings, subscriptions: [], logger: logger)
        try client.start()
    }

    func publish(_ topic: String, _ payload: Data) { client.publish(MQTTPublish(topic: topic, payload: payload)) }

    /// Publishes `count` messages at about `perSecond`, in slices of 10 ms; `message(i)` gives topic and payload.
    func publish(count: Int, perSecond: Int, message: @Sendable (Int) -> (topic: String, payload: Data)) async throws {
        let start = Date()
        var sent = 0
        while sent < count {
            let due = min(count, Int(Date().timeIntervalSince(start) * Double(perSecond)) + 1)
            while sent < due {
                let next = message(sent)
                publish(next.topic, next.payload)
                sent += 1
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// Waits until the broker acknowledged everything published so far.
    func flush(timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while client.pendingPublishes > 0 {
            guard Date() < deadline else {
                throw ServiceProcessError(message: "publisher still has \(client.pendingPublishes) unacknowledged after \(timeout)s")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    func stop() { client.shutdown(timeout: 5) }
}
