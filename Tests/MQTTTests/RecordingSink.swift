// A sink that records what an MQTTClient reports and can be told to fail, plus test helpers.
import Foundation
import Logging
import MQTT
import TestSupport

struct StoreUnavailable: Error {}

final class RecordingSink: MQTTSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storedMessages: [MQTTMessage] = []
    private var deliveredTokens: [Int64] = []
    private var connectCount = 0
    private var receiveCallCount = 0
    private var failuresLeft = 0

    func mqttReceived(_ batch: [MQTTMessage]) throws {
        lock.lock()
        defer { lock.unlock() }
        receiveCallCount += 1
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw StoreUnavailable()
        }
        storedMessages += batch
    }

    func mqttDelivered(tokens: [Int64]) {
        lock.lock()
        deliveredTokens += tokens
        lock.unlock()
    }

    func mqttConnected() {
        lock.lock()
        connectCount += 1
        lock.unlock()
    }

    /// The next `count` calls of mqttReceived throw.
    func failNext(_ count: Int) {
        lock.lock()
        failuresLeft = count
        lock.unlock()
    }

    var messages: [MQTTMessage] { lock.lock(); defer { lock.unlock() }; return storedMessages }
    var tokens: [Int64] { lock.lock(); defer { lock.unlock() }; return deliveredTokens }
    var connects: Int { lock.lock(); defer { lock.unlock() }; return connectCount }
    var receiveCalls: Int { lock.lock(); defer { lock.unlock() }; return receiveCallCount }
    var payloads: [String] { messages.map { String(decoding: $0.payload, as: UTF8.self) } }
}


/// A started client on `broker` with fast reconnects.
func makeClient(_ broker: MosquittoBroker, id: String, subscriptions: [String] = [], sink: RecordingSink?,
                configure: (inout MQTTSettings) -> Void = { _ in }) throws -> MQTTClient {
    var settings = try MQTTSettings.parse(url: broker.url, clientID: id)
    settings.reconnectDelayMin = 0.05
    settings.reconnectDelayMax = 0.5
    configure(&settings)
    var logger = Logger(label: "test.mqtt.\(id)")
    logger.logLevel = .warning
    let client = MQTTClient(settings: settings, subscriptions: subscriptions, logger: logger)
    client.sink = sink
    try client.start()
    return client
}

/// Each index's first appearance, in arrival order; redeliveries are allowed, reordering is not.
func firstArrivals(_ payloads: [String]) -> [Int] {
    var seen = Set<Int>()
    return payloads.compactMap { Int($0) }.filter { seen.insert($0).inserted }
}
