// The ceiling: one QoS 1 hop publisher → mosquitto → subscriber, with our MQTT client on both ends.
import Foundation
import Harness

// @unchecked: as PipelineSystem.
final class RawBrokerSystem: SystemUnderTest, @unchecked Sendable {
    let name = "raw broker (1 QoS 1 hop)"
    private let setup: BenchSetup
    private var broker: MosquittoBroker?
    private var publisher: BenchMQTTClient?
    private var subscriber: BenchMQTTClient?

    init(setup: BenchSetup) { self.setup = setup }

    var processes: [(name: String, pid: Int32)] { broker?.pid.map { [("mosquitto", $0)] } ?? [] }
    var notes: [String] { [] }

    func start() throws {
        let broker = try MosquittoBroker(baseConfig: setup.brokerConfig, directory: setup.directory.appendingPathComponent("raw-mosquitto"),
                                         executable: setup.mosquitto)
        self.broker = broker
        subscriber = try BenchMQTTClient(brokerURL: broker.url, clientID: "bench-raw-subscriber", subscriptions: ["bench/raw/#"],
                                         ledger: setup.ledger)
        publisher = try BenchMQTTClient(brokerURL: broker.url, clientID: "bench-raw-publisher")
    }

    func send(_ batch: [(seq: Int, sentNanos: UInt64)]) {
        publisher?.publish(batch) { "bench/raw/plc-\($0 % 16)" }
    }

    var backlog: Int { publisher?.client.pendingPublishes ?? 0 }

    func stop() {
        publisher?.stop()
        subscriber?.stop()
        broker?.stop(timeout: 20)
    }
}
