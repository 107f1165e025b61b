// The bench's MQTT mouth (QoS 1, does not wait for PUBACKs) and ear (for the raw broker hop).
import Foundation
import Logging
import MQTT

final class BenchMQTTClient: MQTTSink, @unchecked Sendable {
    let client: MQTTClient
    private let ledger: DeliveryLedger?

    /// With a ledger, every received message is stamped as delivered.
    init(brokerURL: String, clientID: String, subscriptions: [String] = [], ledger: DeliveryLedger? = nil) throws {
        var settings = try MQTTSettings.parse(url: brokerURL, clientID: clientID)
        settings.cleanSession = subscriptions.isEmpty
        var logger = Logger(label: "bench.mqtt")
        logger.logLevel = .warning
        self.ledger = ledger
        client = MQTTClient(settings: settings, subscriptions: subscriptions, logger: logger)
        client.sink = self
        try client.start()
        let deadline = Date().addingTimeInterval(10)
        while !client.isConnected {
            guard Date() < deadline else { throw BenchError(code: .broker, message: "\(clientID) did not connect to \(brokerURL)") }
            usleep(5_000)
        }
    }

    func publish(_ batch: [(seq: Int, sentNanos: UInt64)], topic: (Int) -> String) {
        client.publish(batch.map { MQTTPublish(topic: topic($0.seq), payload: BenchPayload.native(seq: $0.seq, sentNanos: $0.sentNanos)) })
    }

    func mqttReceived(_ batch: [MQTTMessage]) throws {
        let now = monotonicNanos()
        guard let ledger else { return }
        ledger.markReceived(batch.flatMap { BenchSequence.scan($0.payload) }, at: now)
    }

    func mqttDelivered(tokens: [Int64]) {}
    func mqttConnected() {}

    func stop() { client.shutdown(timeout: 5) }
}
