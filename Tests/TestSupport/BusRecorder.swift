// A test's ear on the bus: subscribes to topics on the real broker and keeps every message it receives.
import Foundation
import Logging
import MQTT

public final class BusRecorder: MQTTSink, @unchecked Sendable {
    public let client: MQTTClient
    private let lock = NSLock()
    private var received: [MQTTMessage] = []

    /// The channels a test consumes in a gateway's place, as every gateway does: announced on
    /// `alerting/consumers/{clientID}` with "online" on `alerting/status/{clientID}` and answered on each roll call
    /// (docs/mqtt.md, "Channel consumers"). Without them the router holds those channels' dispatches.
    public static let everyChannel = ["webhook", "slack", "email", "sms", "whatsapp", "push"]

    /// - Parameter consuming: channels this recorder consumes in a gateway's place (their dispatches reach it only then).
    public init(broker: MosquittoBroker, topics: [String], clientID: String = "recorder-\(UUID().uuidString.prefix(8))",
                consuming: [String] = []) throws {
        var settings = try MQTTSettings.parse(url: broker.url, clientID: clientID)
        settings.cleanSession = true
        if !consuming.isEmpty {
            settings.statusTopic = "alerting/status/\(clientID)"
            settings.presence = MQTTPresence(
                rollCallTopic: "alerting/roll-call", announcementTopic: "alerting/consumers/\(clientID)",
                announcement: Data(#"{"service":"\#(clientID)","channels":[\#(consuming.map { "\"\($0)\"" }.joined(separator: ","))]}"#.utf8))
        }
        var logger = Logger(label: "test.recorder")
        logger.logLevel = .warning
        client = MQTTClient(settings: settings, subscriptions: topics, logger: logger)
        client.sink = self
        try client.start()
        // Subscribed before the test goes on: a message published in between (not retained) would be missed,
        // which under the full suite's load made "waiting for 4 rejections (have 3)" failures.
        let deadline = Date().addingTimeInterval(20)
        while !client.isConnected {
            guard Date() < deadline else {
                client.shutdown(timeout: 0)
                throw ServiceProcessError(message: "recorder not subscribed to \(topics) after 20 s")
            }
            usleep(5_000)
        }
    }

    public var messages: [MQTTMessage] { lock.withLock { received } }

    public func messages(on prefix: String) -> [MQTTMessage] { messages.filter { $0.topic.hasPrefix(prefix) } }

    public func mqttReceived(_ batch: [MQTTMessage]) throws { lock.withLock { received.append(contentsOf: batch) } }
    public func mqttDelivered(tokens: [Int64]) {}
    public func mqttConnected() {}

    /// Polls until `condition` holds over the messages, or fails after `timeout` seconds.
    public func wait(timeout: Double = 10, _ what: String = "messages", until condition: ([MQTTMessage]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(messages) {
            guard Date() < deadline else { throw ServiceProcessError(message: "timed out after \(timeout)s waiting for \(what) (have \(messages.count))") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    public func stop() { client.shutdown(timeout: 2) }
}

/// A test publisher: QoS 1, waits for every PUBACK before it says it is done.
public final class BusPublisher: @unchecked Sendable {
    public let client: MQTTClient

    public init(broker: MosquittoBroker, clientID: String = "publisher-\(UUID().uuidString.prefix(8))") throws {
        var settings = try MQTTSettings.parse(url: broker.url, clientID: clientID)
        settings.cleanSession = true
        var logger = Logger(label: "test.publisher")
        logger.logLevel = .warning
        client = MQTTClient(settings: settings, subscriptions: [], logger: logger)
        try client.start()
    }

    public func publish(_ topic: String, _ payload: String) { client.publish(MQTTPublish(topic: topic, payload: Data(payload.utf8))) }
    public func publish(_ topic: String, _ payload: Data) { client.publish(MQTTPublish(topic: topic, payload: payload)) }

    /// Waits until the broker acknowledged everything published so far.
    public func flush(timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while client.pendingPublishes > 0 {
            guard Date() < deadline else { throw ServiceProcessError(message: "publisher still has \(client.pendingPublishes) unacknowledged after \(timeout)s") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    public func stop() { client.shutdown(timeout: 5) }
}
